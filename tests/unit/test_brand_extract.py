"""The offline extractor reads any brand's folder — the sample, a wiki text export, a Word guide — into a profile
whose entries cite the line they came from; check_profile names what is missing or contradictory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from nmo.brand.check import check_profile
from nmo.brand.evaluation import load_documents, score_profile
from nmo.brand.extract import extract_profile
from nmo.brand.profile import BannedExpression, BrandProfile, Competitor, Pillar, Product, ToneRules

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge"

SAMPLE_KEY = BrandProfile(
    pillars=[Pillar(name=n) for n in ("冷泡小课堂", "一杯好茶的日常", "新品与活动", "茶友故事", "产地与匠心")],
    products=[
        Product(name="茉莉银毫", spec="3g×15袋", price=59),
        Product(name="白桃乌龙", spec="3g×15袋", price=69),
        Product(name="桂花红茶", spec="3g×15袋", price=65),
        Product(name="雪梨白茶", spec="3g×12袋", price=79),
        Product(name="随行冷泡杯", spec="500ml", price=89),
        Product(name="四季礼盒", spec="4种口味×10袋", price=198),
    ],
    competitors=[Competitor(name=n) for n in ("茶小满", "一叶茶研", "悦泡")],
    banned=[BannedExpression(term=t) for t in (
        "最好喝", "第一", "全网最低", "国家级", "100%天然", "零添加", "刮油", "减肥", "瘦身", "降三高", "排毒",
        "治疗", "抗癌", "转发集赞", "分享得红包", "加微信", "私我", "扫码")],
    tone=ToneRules(address_term="茶友"),
)

WIKI_EXPORT = """青石咖啡 内部手册
==================

关于我们
--------

青石咖啡是 2020 年在厦门创立的精品咖啡烘焙品牌，为喜欢在家做手冲的年轻人供应新鲜烘焙的咖啡豆。

我们的客人：25–35 岁、在家用手冲壶和摩卡壶的上班族。

栏目
----

- 烘焙日记：烘焙师记录每一炉豆子的曲线。例如：「一炉耶加雪菲的 12 分钟」「为什么我们不做深烘」
- 在家手冲：器具和方法，占比 40%。例如：「滤杯怎么选」「水温 92℃ 的理由」
- 产地来信：合作庄园的故事。

价目
----

品名\t规格\t售价\t上市\t售卖期
耶加雪菲 日晒\t227g\t¥88\t2021-03-01\t
曼特宁 深烘\t227g\t七十八元\t2021-03-01\t
肉桂冬日拼配\t150g\t68元\t2026-12-01\t2026-12-01 至 2027-01-31

说话方式
--------

称呼读者为“豆友”，不要叫“亲”或“宝宝”。
每篇感叹号不超过 2 个，emoji 不超过 4 个。

不说的话
--------

- 不说「最正宗」，说「我们喜欢的风味」
- 「提神醒脑」→「早上的一杯」
- 秒杀星巴克

同行
----

山系咖啡：商场连锁，主打胶囊咖啡。我们的机会：写清每一袋的烘焙日期。
豆仓：电商大包装低价豆。

活动
----

- 双12（2026-12-10 至 12-12）：全店满 200 减 30，耶加雪菲 日晒 参加
"""


def _bare(text: str) -> str:
    """Text without table pipes, emphasis and spaces, to find a quote in the document it came from."""
    return "".join(ch for ch in text if ch not in "|* \t")


def _wiki_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "qingshi"
    folder.mkdir()
    (folder / "wiki-export.txt").write_text(WIKI_EXPORT, "utf-8")
    return folder


def _word_folder(tmp_path: Path) -> Path:
    """A Word guide with English headings, a price sheet that disagrees on one price, one file per competitor."""
    folder = tmp_path / "woodhand"
    (folder / "brand").mkdir(parents=True)
    (folder / "competitors").mkdir()
    guide = docx.Document()
    guide.add_heading("Brand book 2026", level=1)
    guide.add_heading("Who we are", level=1)
    guide.add_paragraph("木作手记是 2018 年在杭州成立的实木小家具品牌，做小户型也放得下的边几、书架和餐椅。")
    guide.add_heading("Content pillars", level=1)
    for name, examples in (("木头的脾气", ["胡桃木为什么会变色", "实木开裂怎么办"]), ("小户型改造", ["12 平米的书房"])):
        guide.add_heading(name, level=2)
        guide.add_paragraph("示例选题：")
        for example in examples:
            guide.add_paragraph(example, style="List Bullet")
    guide.add_heading("Products", level=1)
    guide.add_heading("胡桃木边几", level=2)
    guide.add_paragraph("规格：40×40×50cm")
    guide.add_paragraph("价格：599元")
    guide.add_paragraph("材质：北美黑胡桃、木蜡油")
    guide.add_heading("橡木书架", level=2)
    guide.add_paragraph("规格：五层，宽 80cm")
    guide.add_paragraph("2024 年 3 月 1 日上市")
    guide.add_heading("Voice", level=1)
    guide.add_paragraph("叫用户「木友」。")
    guide.add_paragraph("表情最多 3 个。")
    guide.add_heading("Words we avoid", level=1)
    table = guide.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, (("Avoid", "Use instead", "Why"), ("甲醛为零", "符合 E0 级标准", "无法证明"),
                                        ("永不变形", "", "实木会随湿度变化")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    guide.save(str(folder / "brand" / "guide.docx"))
    (folder / "brand" / "price-sheet.md").write_text(
        "# 价目表\n\n| 产品 | 价格 |\n|---|---|\n| 胡桃木边几 | 699元 |\n", "utf-8")
    (folder / "competitors" / "a.md").write_text(
        "# 竞品：原木集（YMJ）\n\n## 他们在做什么\n\n大件实木家具，客单价高。\n\n"
        "## 我们的机会\n\n小户型和小件。\n", "utf-8")
    (folder / "competitors" / "b.md").write_text(
        "# 竞品：快装家\n\n他们在做什么：板式家具，九块九包邮的小件。\n", "utf-8")
    return folder


def test_the_sample_brand_is_read_as_its_team_wrote_it() -> None:
    profile = extract_profile(load_documents(SAMPLE))
    scores = score_profile(profile, SAMPLE_KEY)
    assert {name: (s.precision, s.recall) for name, s in scores.fields.items()} == {
        name: (1.0, 1.0) for name in scores.fields
    }
    lesson = next(p for p in profile.pillars if p.name == "冷泡小课堂")
    assert lesson.share == 0.25 and "冷泡和热泡，茶汤有什么不一样" in lesson.examples
    pear = profile.product("雪梨白茶")
    assert pear is not None and pear.launch == date(2026, 12, 1) and "砀山雪梨冻干" in pear.ingredients
    assert profile.tone.avoid_address_terms == ["宝子们", "家人们", "集美"] and profile.tone.max_emoji == 8
    assert profile.brand == "山岚茶事" and profile.missing == []


def test_every_entry_quotes_the_line_it_was_read_from() -> None:
    documents = load_documents(SAMPLE)
    texts = {d.path: d.text for d in documents}
    profile = extract_profile(documents)
    entries = [*profile.pillars, *profile.products, *profile.banned, *profile.terminology, *profile.competitors,
               *profile.campaigns, profile.tone]
    for entry in entries:
        assert entry.source is not None and entry.source.source_path in texts, entry
        quote = _bare(entry.source.quote)
        assert quote and quote in _bare(texts[entry.source.source_path]), entry
        assert "**" not in entry.source.quote  # quotes read as text, without Markdown emphasis


def test_a_plain_text_wiki_export_with_other_headings_and_prose_rules(tmp_path: Path) -> None:
    profile = extract_profile(load_documents(_wiki_folder(tmp_path)))
    assert [p.name for p in profile.pillars] == ["烘焙日记", "在家手冲", "产地来信"]
    assert profile.pillars[1].share == 0.4 and profile.pillars[1].examples == ["滤杯怎么选", "水温 92℃ 的理由"]
    prices = {p.name: (p.price, p.spec) for p in profile.products}
    assert prices == {"耶加雪菲 日晒": (88, "227g"), "曼特宁 深烘": (78, "227g"), "肉桂冬日拼配": (68, "150g")}
    cinnamon = profile.product("肉桂冬日拼配")
    assert cinnamon is not None and not cinnamon.on_sale(date(2027, 2, 1)) and cinnamon.on_sale(date(2027, 1, 31))
    assert (profile.tone.address_term, profile.tone.avoid_address_terms) == ("豆友", ["亲", "宝宝"])
    assert (profile.tone.max_exclamations, profile.tone.max_emoji) == (2, 4)
    banned = {b.term: b.replacement for b in profile.banned}
    assert banned == {"最正宗": "我们喜欢的风味", "提神醒脑": "早上的一杯", "秒杀星巴克": None}
    rivals = {c.name: c for c in profile.competitors}
    assert set(rivals) == {"山系咖啡", "豆仓"} and rivals["山系咖啡"].our_opening == "写清每一袋的烘焙日期。"
    assert [(c.name, c.start, c.end, c.products) for c in profile.campaigns] == [
        ("双12", date(2026, 12, 10), date(2026, 12, 12), ["耶加雪菲 日晒"])]
    assert profile.brand == "青石咖啡" and profile.positioning is not None
    assert profile.positioning.audience.startswith("我们的客人")


def test_a_word_guide_with_english_headings_and_one_file_per_competitor(tmp_path: Path) -> None:
    profile = extract_profile(load_documents(_word_folder(tmp_path)))
    assert [(p.name, p.examples) for p in profile.pillars] == [
        ("木头的脾气", ["胡桃木为什么会变色", "实木开裂怎么办"]), ("小户型改造", ["12 平米的书房"])]
    side_table = [p for p in profile.products if p.name == "胡桃木边几"]
    assert sorted(p.price for p in side_table if p.price) == [599, 699]  # the two sources disagree: both kept
    from_guide = next(p for p in side_table if p.source is not None and p.source.source_path.endswith("guide.docx"))
    assert (from_guide.price, from_guide.spec, from_guide.ingredients) == (599, "40×40×50cm", ["北美黑胡桃", "木蜡油"])
    shelf = profile.product("橡木书架")
    assert shelf is not None and shelf.price is None and shelf.launch == date(2024, 3, 1)
    assert profile.tone.address_term == "木友" and profile.tone.max_emoji == 3
    assert {b.term: b.replacement for b in profile.banned} == {"甲醛为零": "符合 E0 级标准", "永不变形": None}
    rivals = {c.name: c for c in profile.competitors}
    assert set(rivals) == {"原木集", "快装家"} and rivals["原木集"].aliases == ["YMJ"]
    assert rivals["原木集"].our_opening == "小户型和小件。"
    assert rivals["快装家"].what_they_do == "板式家具，九块九包邮的小件。"
    assert "campaigns" in profile.missing and profile.campaigns == []

    issues = check_profile(profile)
    conflict = next(i for i in issues if i.severity == "error" and "two prices" in i.message)
    assert "599" in conflict.message and "699" in conflict.message and "price-sheet.md" in conflict.message
    assert any("橡木书架 has no price" in i.message for i in issues)
    assert any(i.field == "campaigns" for i in issues)


def test_a_guide_with_nothing_recognisable_leaves_fields_empty_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "vague"
    folder.mkdir()
    (folder / "notes.md").write_text("# 随手记\n\n今天开会讨论了下个月的安排，大家都觉得挺好。\n", "utf-8")
    profile = extract_profile(load_documents(folder))
    assert profile.pillars == [] and profile.products == [] and profile.competitors == []
    assert set(profile.missing) >= {"pillars", "products", "competitors", "banned", "tone", "campaigns"}
    messages = " ".join(i.message for i in check_profile(profile))
    assert "No competitor names were found" in messages and "nmo brand import" in messages


@pytest.mark.parametrize(
    ("profile", "needle"),
    [
        (BrandProfile(pillars=[Pillar(name="门店日常")]), "Pillar 门店日常 has no example topics"),
        (BrandProfile(products=[Product(name="史多伦", price=168, available_from=date(2026, 12, 25),
                                        available_until=date(2026, 12, 1))]), "stops selling on 2026-12-01"),
        (BrandProfile(products=[Product(name="吐司", price=28), Product(name="生吐司", aliases=["吐司"], price=32)]),
         "has two prices: 28元 and 32元"),
    ],
)
def test_check_profile_names_each_problem(profile: BrandProfile, needle: str) -> None:
    assert any(needle in issue.message for issue in check_profile(profile.with_missing()))


def test_a_wrong_price_or_an_invented_pillar_lowers_the_score() -> None:
    key = BrandProfile(pillars=[Pillar(name="A"), Pillar(name="B")], products=[Product(name="茶", price=59, spec="3g")])
    wrong = BrandProfile(pillars=[Pillar(name="A"), Pillar(name="品牌日常")],
                         products=[Product(name="茶", price=69, spec="3g")])
    scores = score_profile(wrong, key).fields
    assert (scores["pillars"].precision, scores["pillars"].recall) == (0.5, 0.5)
    assert (scores["products"].precision, scores["products"].recall) == (0.0, 0.0)
    assert score_profile(BrandProfile(), key).fields["pillars"].precision == 0.0  # nothing found is not precise


def test_examples_after_an_english_plural_label_keep_their_first_words() -> None:
    from nmo.brand.outline import _inline_examples

    assert _inline_examples("真实故事，发之前要拿到授权。Examples: 多猫家庭的喂食排班；出差三天猫怎么安排。") == [
        "多猫家庭的喂食排班", "出差三天猫怎么安排"]


def test_a_line_of_short_names_gives_each_product_its_own() -> None:
    from nmo.brand.extract import extract_profile
    from nmo.schemas import SourceDocument

    text = ("# 产品\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n| 晨光燕麦拿铁 | 250ml | 15元 |\n"
            "| 黑芝麻燕麦奶 | 1L | 22元 |\n\nShort names people use: 燕麦拿铁、芝麻奶、早餐杯.\n")
    profile = extract_profile([SourceDocument(path="oat/products.md", title="产品", kind="brand", text=text)])
    aliases = {p.name: p.aliases for p in profile.products}
    assert "燕麦拿铁" in aliases["晨光燕麦拿铁"] and "芝麻奶" in aliases["黑芝麻燕麦奶"]
    assert not any("早餐杯" in names for names in aliases.values())  # shares too little with any product


def test_a_quoted_preferred_form_after_other_words_is_read_as_terminology() -> None:
    from nmo.schemas import SourceDocument

    text = ("# 用词统一\n\n- 品牌第一次出现写「晨光咖啡」，不写「晨光牌」「CG咖啡」。\n"
            "- 杯型只写「大杯」，正式文案里不写「超大杯」——容量要和菜单一致。\n")
    profile = extract_profile([SourceDocument(path="cafe/words.md", title="用词", kind="brand", text=text)])
    assert {t.preferred: t.avoid for t in profile.terminology} == {"晨光咖啡": ["晨光牌", "CG咖啡"],
                                                                    "大杯": ["超大杯"]}
