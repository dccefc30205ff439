"""The gate as a reviewer meets it: evasions caught on the original text, false friends left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.brand.profile import BrandProfile, Product, SourceRef
from nmo.brand.store import BrandStore
from nmo.checks.evaluation import GateCase, evaluate_gate
from nmo.checks.gate import ChineseGate, build_gate
from nmo.checks.pii import id_card_valid, luhn_valid
from nmo.config import Settings
from nmo.knowledge.brand_lexicons import store_brand_lexicons
from nmo.schemas import DraftContent, Finding

BRAND_LEXICON = """rules:
  - {term: 冷萃茶, category: brand_term, severity: warning, suggestion: 冷泡茶}
  - {term: 茶小满, category: competitor, severity: blocking}
allow: [国家地理]
"""


def _row(quote: str) -> SourceRef:
    return SourceRef(source_path="brand/products.md", heading="产品", quote=quote)


PRODUCTS = [
    Product(name="山岚冷泡茶·茉莉银毫", spec="3g×15袋", price=59, launch=date(2022, 4, 1),
            source=_row("| 山岚冷泡茶·茉莉银毫 | 3g×15袋 | 59元 | 2022-04-01 |")),
    Product(name="山岚随行冷泡杯", spec="500ml", price=89, launch=date(2023, 3, 15),
            source=_row("| 山岚随行冷泡杯 | 500ml | 89元 | 2023-03-15 |")),
]


@pytest.fixture()
def gate(tmp_path: Path) -> ChineseGate:
    knowledge = tmp_path / "knowledge"
    (knowledge / "lexicons").mkdir(parents=True)
    (knowledge / "lexicons" / "brand.yaml").write_text(BRAND_LEXICON, "utf-8")
    settings = Settings(home=tmp_path / "home", knowledge_dir=knowledge)
    # what `nmo kb ingest` does with the word lists and the profile it finds in the brand's folder
    store_brand_lexicons([knowledge / "lexicons" / "brand.yaml"], [knowledge], settings.brand_path / "lexicons")
    BrandStore.for_settings(settings).save_extracted(BrandProfile(products=PRODUCTS))
    return build_gate(settings)


def _cats(findings: list[Finding]) -> set[str]:
    return {f.category for f in findings if f.severity != "info"}


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("喝了就是全 网 第 一！", "全 网 第 一"),
        ("最*好*喝的茶", "最*好*喝"),
        ("這是最好喝的茶", "最好喝"),
        ("ＮＯ．１冷泡茶", "ＮＯ．１"),
        ("最🔥好🔥喝", "最🔥好🔥喝"),
    ],
)
def test_evasions_are_caught_and_highlight_the_original_characters(
    gate: ChineseGate, text: str, span: str
) -> None:
    findings = [f for f in gate.check(text).findings if f.category == "ad_law"]
    assert findings, text
    assert text[findings[0].start : findings[0].end] == span == findings[0].text


@pytest.mark.parametrize(
    "text",
    [
        "最后一步，把茶包取出来。",
        "第一次喝的人可以从茉莉开始。",
        "我在国家地理上看到过茶园。",
        "杯盖顶部有按钮。",
        "最好提前一晚放进冰箱。",
        "这是今年的第一场雪。",
        "全网，第一次上线。",
    ],
)
def test_false_friends_raise_nothing(gate: ChineseGate, text: str) -> None:
    assert _cats(gate.check(text).findings) == set()


def test_longer_banned_phrase_beats_its_allowed_prefix(gate: ChineseGate) -> None:
    assert "ad_law" in _cats(gate.check("最后一波福利！").findings)


def test_self_comparison_is_downgraded_to_info(gate: ChineseGate) -> None:
    finding = next(f for f in gate.check("这款比上一代最好喝。").findings if f.category == "ad_law")
    assert finding.severity == "info"


def test_brand_lexicon_terms_and_competitors_with_suggestion(gate: ChineseGate) -> None:
    result = gate.check("冷萃茶比茶小满好喝")
    by_cat = {f.category: f for f in result.findings}
    assert by_cat["brand_term"].suggestion == "冷泡茶"
    assert by_cat["competitor"].severity == "blocking"
    assert not result.passed


def test_missing_knowledge_means_no_brand_rules_not_a_crash(tmp_path: Path) -> None:
    gate = build_gate(Settings(home=tmp_path / "home", knowledge_dir=tmp_path / "nowhere"))
    assert _cats(gate.check("冷萃茶比茶小满好喝").findings) == set()
    assert "health_claim" in _cats(gate.check("喝了能减肥").findings)


def test_fact_mismatch_cites_the_product_table(gate: ChineseGate) -> None:
    text = "茉莉银毫只要49元，山岚随行冷泡杯600ml。"
    facts = [f for f in gate.check(text).findings if f.category == "fact"]
    assert [f.text for f in facts] == ["49元", "600ml"]
    assert "brand/products.md「| 山岚冷泡茶·茉莉银毫 | 3g×15袋 | 59元" in facts[0].message
    assert facts[0].suggestion == "59元"
    assert not [f for f in gate.check("茉莉银毫一盒59元，3g×15袋。").findings if f.category == "fact"]


def test_prices_written_in_chinese_numerals_are_checked_too(gate: ChineseGate) -> None:
    facts = [f for f in gate.check("茉莉银毫只要三十九元。").findings if f.category == "fact"]
    assert [f.text for f in facts] == ["三十九元"] and facts[0].suggestion == "59元"
    assert not [f for f in gate.check("茉莉银毫五十九元一盒。").findings if f.category == "fact"]


@pytest.mark.parametrize(("text", "value"), [("三十九", 39), ("一百二十", 120), ("两千", 2000), ("九九", 99),
                                             ("十五", 15), ("一万二千", 12000), ("一百零五", 105)])
def test_chinese_numbers(text: str, value: int) -> None:
    from nmo.checks.facts import chinese_number

    assert chinese_number(text) == value


def test_pii_checksums() -> None:
    assert id_card_valid("11010519491231002X") and not id_card_valid("110105194912310021")
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_pii_findings(gate: ChineseGate) -> None:
    text = "联系13812345678或 a.b@example.com，身份证11010519491231002X，号码110105194912310021。"
    pii = {f.text for f in gate.check(text).findings if f.category == "pii"}
    assert pii == {"13812345678", "a.b@example.com", "11010519491231002X"}


def test_typo_pairs_respect_word_boundaries(gate: ChineseGate) -> None:
    flagged = [f for f in gate.check("在次感谢大家，他跑的很快。").findings if f.category == "typo"]
    assert [(f.text, f.suggestion) for f in flagged] == [("在次", "再次"), ("的", "得")]
    assert not [f for f in gate.check("现在次要的问题是包装。").findings if f.category == "typo"]


def test_idiom_near_miss(gate: ChineseGate) -> None:
    finding = next(f for f in gate.check("这个做法真是不可思意。").findings if f.category == "typo")
    assert (finding.text, finding.suggestion) == ("不可思意", "不可思议")


def test_punctuation(gate: ChineseGate) -> None:
    rules = {f.rule_id for f in gate.check("真好喝,推荐！！！他说“真香。").findings}
    assert {"punctuation.half_width", "punctuation.repeated", "punctuation.unbalanced"} <= rules


def test_platform_parts_limits_and_required_hook(gate: ChineseGate) -> None:
    title = "这是一个非常非常长的小红书标题超过了二十个字的限制吧"
    content = DraftContent(title=title, body="正文", hashtags=[f"话题{i}" for i in range(12)])
    text = f"# {title}\n\n正文"
    result = gate.check(text, platform="小红书", content=content)
    title_finding = next(f for f in result.findings if f.rule_id == "platform_rule.title_length")
    assert title_finding.severity == "blocking" and text[title_finding.start : title_finding.end] == title
    assert any(f.rule_id == "platform_rule.hashtag_count" for f in result.findings)
    douyin = gate.check("正文", platform="douyin", content=DraftContent(title="标题", body="正文"))
    assert any(f.rule_id == "platform_rule.requires_hook" and f.start == f.end == 0 for f in douyin.findings)


def test_display_fold_is_a_warning_and_platform_phrases_apply_per_platform(gate: ChineseGate) -> None:
    long_post = "今天的冷泡茶分享。" * 20
    fold = [f for f in gate.check(long_post, platform="weibo").findings if f.rule_id == "platform_rule.fold"]
    assert fold and fold[0].severity == "warning"
    assert "platform_rule" in _cats(gate.check("想要的私我", platform="xiaohongshu").findings)
    assert "platform_rule" not in _cats(gate.check("想要的私我", platform="weibo").findings)


def test_links_follow_platform_policy(gate: ChineseGate) -> None:
    text = "详情见 https://example.com/a 或扫码"
    strict = {f.severity for f in gate.check(text, platform="xiaohongshu").findings if f.category == "link"}
    lenient = {f.severity for f in gate.check(text, platform="weibo").findings if f.category == "link"}
    assert strict == {"blocking"} and lenient == {"info"}


def test_empty_and_large_inputs(gate: ChineseGate) -> None:
    assert gate.check("").findings == []
    big = "今天的冷泡茶很好喝，推荐给大家。最后一步是冷藏。" * 40000
    result = gate.check(big)
    assert not [f for f in result.findings if f.severity == "blocking"]


def test_evaluate_gate_scores_recall_and_clean_false_alarms(gate: ChineseGate) -> None:
    cases = [
        GateCase(text="全网第一", expect=["ad_law"]),
        GateCase(text="第一次喝", expect=[]),
        GateCase(text="茶小满", expect=["ad_law"]),
    ]
    metrics = evaluate_gate(gate, cases)
    assert metrics.per_category["ad_law"].recall == 0.5
    assert metrics.per_category["competitor"].fp == 1
    assert metrics.clean_false_alarm_rate == 0.0


def test_products_are_found_by_their_name_without_the_brand_prefix() -> None:
    from nmo.checks.facts import FactChecker
    from nmo.clock import Clock

    gift_box = Product(name="山岚四季礼盒", spec="4种口味×10袋", price=198, launch=date(2024, 1, 10))
    checker = FactChecker([*PRODUCTS, gift_box], Clock(fixed=date(2026, 11, 26)))
    found = [(f.text, f.suggestion) for f in checker.findings("随行冷泡杯99元，四季礼盒168元。")]
    assert found == [("99元", "89元"), ("168元", "198元")]
    assert checker.findings("随行冷泡杯89元，四季礼盒198元。") == []
