"""Which sentences the composer may state: real chunks carry fragments, rules and stale calls to action."""

from __future__ import annotations

from nmo.composer.facts import rank_facts, table_rows
from nmo.composer.sentences import factual_numbers, split_sentences
from nmo.schemas import Passage


def _passage(text: str, **extra: str) -> Passage:
    return Passage(id=extra.get("id", "p1"), text=text, source_path=extra.get("path", "brand/products.md"),
                   kind=extra.get("kind", "brand"))  # type: ignore[arg-type]


def test_list_items_joined_by_a_chunker_are_split_and_unmarked() -> None:
    text = "- 一袋茶包配 500ml 水，冷泡 4–6 小时。- 泡好后冷藏，24 小时内饮用。"
    assert split_sentences(text) == ["一袋茶包配 500ml 水，冷泡 4–6 小时。", "泡好后冷藏，24 小时内饮用。"]


def test_a_table_without_its_header_row_yields_no_rows() -> None:
    header = "| 产品 | 规格 | 价格 |\n|---|---|---|\n| 白桃乌龙 | 3g×15袋 | 69元 |\n"
    assert table_rows(header) == [{"产品": "白桃乌龙", "规格": "3g×15袋", "价格": "69元"}]
    assert table_rows("| 随行冷泡杯 | 500ml | 89元 |\n| 四季礼盒 | 4种口味×10袋 | 198元 |\n") == []


def test_rules_fragments_and_style_guides_are_not_stated() -> None:
    passages = [
        _passage("冬季版的季节口味为雪梨白茶），198元，2024-01-10 首次上市。白桃乌龙冷泡后甜感明显但不含添加糖。"),
        _passage("不写「全网最低」这类说法，活动写清楚时间。", id="p2"),
        _passage("白桃乌龙用冰水冷泡四到六小时，果香很清楚。", id="p3", path="brand/tone.md"),
        _passage("关注 @山岚茶事 并转发本条，抽 3 位茶友送白桃乌龙。", id="p4", kind="content"),
        _passage("竞品的白桃乌龙 39 元。", id="p5", kind="competitor"),
    ]
    facts = [f.text for f in rank_facts("白桃乌龙", passages)]
    assert facts == ["白桃乌龙冷泡后甜感明显但不含添加糖。"]


def test_timestamps_and_markers_are_not_factual_numbers() -> None:
    assert factual_numbers("02:00 开场 0-3s 钩子，一盒 69元。[^12]") == {"69"}


def test_label_lines_script_timecodes_and_unmarked_questions_are_not_stated() -> None:
    passages = [
        _passage("Short names people use: 鲜鸡粮、三文鱼冻干、南瓜罐、豆腐砂。", id="p1"),
        _passage("简称：云栖、石耳裤、轻羽。", id="p2"),
        _passage("3–15 秒：这是云栖 2 人帐篷，整顶 1.35kg。", id="p3", kind="content"),
        _passage("一炉碱水结要烤几分钟。帐篷里会不会进水。", id="p4"),
        _passage("We run four buckets. Rough split per month: 配料表拆解 30%。", id="p6"),
        _passage("碱水结出炉后 4 小时内吃口感最好，隔夜可以回烤 3 分钟。", id="p5"),
    ]
    stated = [fact.text for fact in rank_facts("碱水结 帐篷 冻干 怎么吃", passages)]
    assert stated == ["碱水结出炉后 4 小时内吃口感最好，隔夜可以回烤 3 分钟。"]
