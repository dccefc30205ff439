"""Obfuscated text cannot slip past the gate (issue 14 item 2): every banned term is still found after
random insertion of invisible characters, look-alikes (Kangxi radicals, full-width and mathematical forms)
and separators; offsets always point inside the original text."""

from __future__ import annotations

import random

import pytest
from nmo.checks.gate import ChineseGate, build_gate
from nmo.checks.pii import pii_findings
from nmo.config import Settings

INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2062", "\u180e",
              "\u034f", "\ufe0f", "\ufe01", "\u3164", "\ufeff", "\u202a", "\U000e0041"]
SEPARATORS = [" ", "*", "·", "-", "_", ".", "~", "|", "/", "🔥", "✨"]
# Look-alikes a writer can type for ordinary characters (one character each).
LOOKALIKES = {"网": "⽹", "一": "⼀", "大": "⼤", "人": "⼈", "国": "國", "全": "全", "1": "𝟏", "0": "０"}
TERMS = ["全网第一", "最好喝", "国家级", "销量第一", "全网最低价", "顶级", "治愈", "根治", "唯一", "首选"]


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> ChineseGate:
    home = tmp_path_factory.mktemp("evasion")
    return build_gate(Settings(home=home / "home", knowledge_dir=home / "nowhere"))


def obfuscate(term: str, rng: random.Random) -> str:
    out: list[str] = []
    for index, char in enumerate(term):
        if rng.random() < 0.4:
            char = LOOKALIKES.get(char, char)
        if rng.random() < 0.3:
            char = char.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})  # full width
        out.append(char)
        if index < len(term) - 1:
            out.append("".join(rng.choice(INVISIBLES + SEPARATORS) for _ in range(rng.randint(0, 3))))
    return "".join(out)


def test_banned_terms_survive_ten_thousand_obfuscations(gate: ChineseGate) -> None:
    rng = random.Random(20261203)
    missed: list[str] = []
    for case in range(10_000):
        term = TERMS[case % len(TERMS)]
        hidden = obfuscate(term, rng)
        text = f"这款冷泡茶{hidden}，欢迎来尝。"
        findings = [f for f in gate.findings(text) if f.category in ("ad_law", "health_claim")]
        if not findings:
            missed.append(hidden)
            continue
        for finding in findings:
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start:finding.end] == finding.text
    assert missed == [], f"{len(missed)} of 10,000 missed, e.g. {missed[:3]!r}"


def test_contact_details_in_every_written_form_are_found() -> None:
    forms = [
        "电话 138\u200b0013\u200b8000", "电话 １３８．００１３．８０００", "电话 一三八 零零一三 八零零零",
        "电话 1⃣3⃣8⃣0⃣0⃣1⃣3⃣8⃣0⃣0⃣0⃣", "加ＶＸ：abc12345", "微\u200d信：lee_2026x", "加v：tea_shop88",
        "QQ：12 3456 789", "身份证 110101 19900307 1233",
    ]
    for form in forms:
        found = pii_findings(form)
        assert found, form
        for finding in found:
            assert form[finding.start:finding.end] == finding.text


def test_dates_prices_and_order_numbers_are_not_contacts() -> None:
    assert pii_findings("价格 15 元，2026-11-26 18:00-19:30 开售，订单号 2024112612345，5 月 20 日发货") == []
