"""The gate built from a brand's profile, for the sample-like tea brand and an outdoor-gear brand alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from nmo.brand.profile import (
    BannedExpression,
    BrandProfile,
    Competitor,
    Product,
    SourceRef,
    Term,
    ToneRules,
)
from nmo.brand.store import BrandStore
from nmo.checks.gate import ChineseGate, build_gate
from nmo.config import Settings
from nmo.schemas import Finding

TEA = BrandProfile(
    brand="山岚",
    products=[
        Product(name="山岚冷泡茶·茉莉银毫", spec="3g×15袋", price=59,
                source=SourceRef(source_path="guide.docx", quote="茉莉银毫 3g×15袋 59元")),
        Product(name="山岚随行冷泡杯", aliases=["冷泡杯"], spec="500ml", price=89),
        Product(name="山岚桂花限定礼盒", price=168, available_from=date(2026, 9, 1),
                available_until=date(2026, 10, 31)),
    ],
    competitors=[Competitor(name="茶小满", aliases=["小满茶"])],
    banned=[BannedExpression(term="廉价", replacement="平价")],
    terminology=[Term(preferred="冷泡茶", avoid=["冷萃茶"])],
    tone=ToneRules(address_term="茶友", avoid_address_terms=["亲", "宝子们"], max_exclamations=1, max_emoji=2),
)
OUTDOOR = BrandProfile(
    brand="远山户外",
    products=[
        Product(name="远山轻量冲锋衣", aliases=["冲锋衣Pro"], spec="重量350g", price=899),
        Product(name="远山徒步水袋", spec="2L", price=129),
        Product(name="远山雪线联名背包", spec="40L", price=1299, launch=date(2026, 12, 12)),
    ],
    competitors=[Competitor(name="北岭户外", aliases=["北岭"]), Competitor(name="野径", aliases=["YEJING"])],
    banned=[BannedExpression(term="防弹", replacement="耐磨", reason="夸大")],
    terminology=[Term(preferred="徒步", avoid=["暴走"])],
    tone=ToneRules(address_term="山友", avoid_address_terms=["家人们"], max_exclamations=0, max_emoji=0),
)
CLEAN = {
    "tea": [
        "茶友们好，茉莉银毫一盒59元，3g×15袋，冷泡茶四个小时就能喝。",
        "随行冷泡杯500ml，89元，通勤路上刚好。",
        "亲手泡一壶冷泡茶，平价也能喝得讲究！",
        "茶友们晚安🍵🌙",
        "去年秋天的桂花限定礼盒已售罄，谢谢茶友们。",
        "桂花限定礼盒的香气还记得吗？现在下单茉莉银毫，59元。",
    ],
    "outdoor": [
        "山友们，远山轻量冲锋衣899元，重量350克，周末徒步刚好。",
        "徒步水袋2000ml，129元，够走一整天。",
        "雪线联名背包将于12月12日发售，敬请期待。",
        "耐磨面料，雨天也能放心出发。",
    ],
}


@dataclass(frozen=True)
class Planted:
    """A problem planted in a sentence: the category the gate must report and the words it must point at."""

    text: str
    category: str
    span: str
    severity: str = "warning"
    suggestion: str | None = None


PLANTED = {
    "tea": [
        Planted("比茶小满更清爽。", "competitor", "茶小满", "blocking"),
        Planted("小 满 茶也出了冷泡。", "competitor", "小 满 茶", "blocking"),
        Planted("这杯茶一点也不廉价。", "brand_term", "廉价", suggestion="平价"),
        Planted("冷萃茶怎么泡？", "brand_term", "冷萃茶", suggestion="冷泡茶"),
        Planted("茉莉银毫只要49元。", "fact", "49元", suggestion="59元"),
        Planted("冷泡杯600ml，通勤刚好。", "fact", "600ml", suggestion="500ml"),
        Planted("茉莉银毫3g×20袋。", "fact", "3g×20袋", suggestion="3g×15袋"),
        Planted("桂花限定礼盒现在下单就发货。", "fact", "桂花限定礼盒"),
        Planted("亲，今天喝什么？", "brand_term", "亲", suggestion="茶友"),
        Planted("宝子们看过来。", "brand_term", "宝子们", suggestion="茶友"),
        Planted("好喝！真的好喝！", "platform_rule", "！"),
        Planted("今天🍵🍵🍵", "platform_rule", "🍵"),
        Planted("客服电话一三八一二三四五六七八。", "pii", "一三八一二三四五六七八"),
    ],
    "outdoor": [
        Planted("北岭户外的冲锋衣也不错。", "competitor", "北岭户外", "blocking"),
        Planted("和YEJING比一比。", "competitor", "YEJING", "blocking"),
        Planted("防弹级别的面料。", "brand_term", "防弹", suggestion="耐磨"),
        Planted("周末一起去暴走。", "brand_term", "暴走", suggestion="徒步"),
        Planted("冲锋衣Pro只要699元。", "fact", "699元", suggestion="899元"),
        Planted("远山徒步水袋1.5L，够用。", "fact", "1.5L", suggestion="2L"),
        Planted("雪线联名背包现在下单立享包邮。", "fact", "雪线联名背包"),
        Planted("家人们，出发！", "brand_term", "家人们", suggestion="山友"),
        Planted("出发🏔", "platform_rule", "🏔"),
        Planted("领队微信：yuanshan_lead", "pii", "yuanshan_lead"),
        Planted("报名加QQ 8765 4321", "pii", "8765 4321"),
    ],
}
PROFILES = {"tea": TEA, "outdoor": OUTDOOR}


def gate_for(tmp_path: Path, profile: BrandProfile, **settings: object) -> ChineseGate:
    """The gate of a brand whose ingest extracted `profile` (as `nmo kb ingest` stores it)."""
    config = Settings(home=tmp_path / "home", collection=profile.brand or "brand", **settings)  # type: ignore[arg-type]
    BrandStore.for_settings(config).save_extracted(profile)
    return build_gate(config)


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ChineseGate]:
    home = tmp_path_factory.mktemp("brands")
    return {key: gate_for(home, profile) for key, profile in PROFILES.items()}


def _spans(findings: list[Finding], text: str) -> list[tuple[str, str]]:
    return [(f.category, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize(("brand", "text"), [(b, t) for b, texts in CLEAN.items() for t in texts])
def test_clean_sentences_of_each_brand_raise_nothing(gates: dict[str, ChineseGate], brand: str, text: str) -> None:
    assert gates[brand].check(text).findings == []


@pytest.mark.parametrize(("brand", "planted"), [(b, p) for b, cases in PLANTED.items() for p in cases])
def test_planted_problems_are_found_where_they_were_written(
    gates: dict[str, ChineseGate], brand: str, planted: Planted
) -> None:
    findings = [f for f in gates[brand].check(planted.text).findings if f.category == planted.category]
    assert findings, _spans(gates[brand].check(planted.text).findings, planted.text)
    first = findings[0]
    assert (planted.text[first.start : first.end], first.text) == (planted.span, planted.span)
    assert first.severity == planted.severity
    if planted.suggestion is not None:
        assert first.suggestion == planted.suggestion


def test_one_brands_rules_do_not_reach_another_brand(gates: dict[str, ChineseGate]) -> None:
    assert gates["outdoor"].check("比茶小满更清爽，茉莉银毫只要49元。").findings == []
    assert gates["tea"].check("北岭户外的冲锋衣也不错，冲锋衣Pro只要699元。").findings == []


def test_marks_beyond_the_brands_limit_are_each_flagged(gates: dict[str, ChineseGate]) -> None:
    text = "好喝！真的好喝！！冰镇更好喝🍵🍵🍵🍵"
    tone = [f for f in gates["tea"].check(text).findings if f.rule_id.startswith("platform_rule.tone")]
    assert sorted((f.rule_id, f.start) for f in tone) == [
        ("platform_rule.tone_emoji", 16), ("platform_rule.tone_emoji", 17),
        ("platform_rule.tone_exclamations", 7), ("platform_rule.tone_exclamations", 8),
    ]
    messages = {f.rule_id: f.message for f in tone}
    assert messages["platform_rule.tone_exclamations"] == "全文 3 个感叹号，品牌语气规范最多 1 个"
    assert messages["platform_rule.tone_emoji"] == "全文 4 个表情，品牌语气规范最多 2 个"


def test_a_limited_product_may_be_offered_inside_its_window_by_the_brands_clock(tmp_path: Path) -> None:
    offer = "桂花限定礼盒现在下单就发货。"
    in_window = gate_for(tmp_path / "october", TEA, today=date(2026, 10, 1))
    assert in_window.check(offer).findings == []
    after = gate_for(tmp_path / "november", TEA, today=date(2026, 11, 26))
    finding = next(f for f in after.check(offer).findings if f.rule_id == "fact.sale_window")
    assert "2026-09-01 至 2026-10-31" in finding.message and "2026-11-26" in finding.message


def test_a_fact_finding_cites_the_passage_the_profile_read(gates: dict[str, ChineseGate]) -> None:
    finding = next(f for f in gates["tea"].check("茉莉银毫只要49元。").findings if f.category == "fact")
    assert "guide.docx「茉莉银毫 3g×15袋 59元」" in finding.message


def test_the_working_directory_and_knowledge_dir_do_not_change_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "another-brand" / "knowledge"
    (other / "brand").mkdir(parents=True)
    (other / "brand" / "products.md").write_text(
        "| 产品 | 规格 | 价格 |\n|---|---|---|\n| 山岚冷泡茶·茉莉银毫 | 3g×15袋 | 49元 |\n", "utf-8"
    )
    monkeypatch.chdir(other.parent)
    gate = gate_for(tmp_path, TEA, knowledge_dir=Path("knowledge"))
    assert [f.text for f in gate.check("茉莉银毫只要49元。").findings] == ["49元"]
    assert gate.check("茉莉银毫只要59元。").findings == []


def test_a_changed_profile_or_a_correction_reaches_the_cached_matcher(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", collection="shanlan")
    store = BrandStore.for_settings(settings)
    store.save_extracted(TEA)
    assert build_gate(settings).check("山野茶铺新品。").findings == []
    store.save_extracted(TEA.model_copy(update={"competitors": [Competitor(name="山野茶铺")]}))
    assert [f.category for f in build_gate(settings).check("山野茶铺新品。").findings] == ["competitor"]
    corrections = tmp_path / "corrections.yaml"
    corrections.write_text("competitors:\n  - {name: 云雾茶社}\n", "utf-8")
    store.import_corrections(corrections)
    corrected = build_gate(settings)
    assert corrected.check("山野茶铺新品。").findings == []
    assert corrected.check("云雾茶社新品。").findings[0].severity == "blocking"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("电话：138 1234 5678", "138 1234 5678"),
        ("电话：138-1234-5678", "138-1234-5678"),
        ("电话：１３８１２３４５６７８", "１３８１２３４５６７８"),
        ("打幺三八一二三四五六七八找我", "幺三八一二三四五六七八"),
        ("加微 tea_lover88", "tea_lover88"),
        ("v信是 mytea2024 哦", "mytea2024"),
        ("威信：hello_tea", "hello_tea"),
        ("ＶＸ：ｔｅａ１２３４", "ｔｅａ１２３４"),
        ("扣扣 12345678", "12345678"),
    ],
)
def test_contact_details_as_people_write_them_block_where_the_platform_forbids_them(
    gates: dict[str, ChineseGate], text: str, span: str
) -> None:
    strict = gates["tea"].check(text, platform="xiaohongshu").findings
    assert [text[f.start : f.end] for f in strict if f.category == "pii"] == [span]
    assert any(f.rule_id == "link.offsite_contact" and f.blocking for f in strict)
    lenient = gates["tea"].check(text, platform="weibo")
    assert lenient.passed and any(f.category == "pii" for f in lenient.findings)


@pytest.mark.parametrize(
    "text", ["2026年11月26日上午十点，一二三木头人。", "关注微信公众号，搜索山岚。", "QQ音乐里的歌单。"]
)
def test_numbers_and_platform_names_are_not_contact_details(gates: dict[str, ChineseGate], text: str) -> None:
    assert [f for f in gates["tea"].check(text).findings if f.category in ("pii", "link")] == []


def test_avoided_forms_the_guide_lets_pass_are_nudges_not_warnings() -> None:
    from nmo.brand.profile import BrandProfile, Term
    from nmo.checks.profile_rules import profile_lexicon

    profile = BrandProfile(terminology=[
        Term(preferred="手冲咖啡豆", avoid=["咖啡豆", "速溶"]),
        Term(preferred="毛孩子", avoid=["宠物"], note="客服回复里可以说「宠物」"),
    ])
    severity = {rule.term: rule.severity for rule in profile_lexicon(profile).rules}
    assert severity == {"咖啡豆": "info", "速溶": "warning", "宠物": "info"}


def _gate_with_word_list(tmp_path: Path, name: str, text: str) -> ChineseGate:
    """The outdoor brand's gate after an ingest found a word list `name` in its folder."""
    from nmo.knowledge.brand_lexicons import store_brand_lexicons

    folder = tmp_path / "outdoor-folder"
    folder.mkdir()
    (folder / name).write_text(text, "utf-8")
    settings = Settings(home=tmp_path / "home", collection="outdoor")
    stored, problems = store_brand_lexicons([folder / name], [folder], settings.brand_path / "lexicons")
    assert stored and not problems
    BrandStore.for_settings(settings).save_extracted(OUTDOOR)
    return build_gate(settings)


def test_a_plain_word_list_does_not_demote_what_the_profile_knows(tmp_path: Path) -> None:
    gate = _gate_with_word_list(tmp_path, "敏感词.txt", "防弹\n暴走\n北岭户外\n山寨货\n")
    findings = gate.check("防弹面料，暴走一天，北岭户外，山寨货。").findings
    found = {f.text: (f.category, f.severity, f.suggestion) for f in findings}
    assert found["防弹"] == ("brand_term", "warning", "耐磨")
    assert found["暴走"] == ("brand_term", "warning", "徒步")
    assert found["北岭户外"][:2] == ("competitor", "blocking")
    assert found["山寨货"][0] == "sensitive"  # a term only the list knows keeps the list's category


def test_a_list_that_gives_a_term_a_specific_category_keeps_it_with_the_profiles_advice(tmp_path: Path) -> None:
    lists = ("rules:\n  - {term: 防弹, category: ad_law, severity: blocking}\n"
             "  - {term: 暴走, category: brand_term, severity: info, suggestion: 走路}\n")
    gate = _gate_with_word_list(tmp_path, "wordlist.yaml", lists)
    found = {f.text: (f.category, f.severity, f.suggestion) for f in gate.check("防弹面料，暴走一天。").findings}
    assert found["防弹"] == ("ad_law", "blocking", "耐磨")
    assert found["暴走"] == ("brand_term", "warning", "徒步")  # a list never weakens the profile's rule
