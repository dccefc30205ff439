"""A brief read as constraints (products from the profile, never a fixed list), the checker that holds plan
items to them, and what counts as a placeholder topic."""

from __future__ import annotations

from datetime import date

import pytest
from nmo.composer.brief import (
    BriefVocabulary,
    ProductName,
    check_item,
    check_plan,
    is_placeholder,
    read_brief,
)
from nmo.schemas import PlanItem

# A made-up brand, so nothing here leans on the sample's words.
BAKERY = BriefVocabulary(
    products=[ProductName(name="北海道生吐司", aliases=[]), ProductName(name="招牌碱水结", aliases=["扭扭"]),
              ProductName(name="流心奶黄月饼礼盒", aliases=[])],
    competitors=["可颂先生"],
    brand_text="我们的面包每天凌晨四点开始烤，生吐司和碱水结卖得最好，早餐和下午茶都合适。",
)


def _item(topic: str, angle: str = "讲步骤", item_id: str = "P-01") -> PlanItem:
    return PlanItem(id=item_id, date=date(2026, 12, 4), slot="12:00", platform="xiaohongshu", pillar="x",
                    topic=topic, angle=angle, format="图文", reason="r")


@pytest.mark.parametrize("brief", ["冬季上新，不打价格战", "不提价格", "这两周不做促销", "别打折不降价"])
def test_price_wars_and_promotions_are_ruled_out(brief: str) -> None:
    read = read_brief(brief, BAKERY)
    assert read.avoids("price")
    assert "不" in read.summary() or "别" in read.summary()


def test_a_product_is_recognised_by_name_alias_or_a_distinctive_part_and_becomes_the_focus() -> None:
    assert [p.name for p in read_brief("主推生吐司", BAKERY).focus] == ["北海道生吐司"]
    assert [p.name for p in read_brief("这周重点推扭扭", BAKERY).focus] == ["招牌碱水结"]
    assert [p.name for p in read_brief("聚焦招牌碱水结，不打价格战", BAKERY).focus] == ["招牌碱水结"]


def test_audience_competitors_and_named_words() -> None:
    read = read_brief("面向带孩子的家庭，不提竞品，不要提月饼", BAKERY)
    assert read.audience == "带孩子的家庭"
    assert read.avoids("competitor")
    assert read.avoided_words() == ["月饼"]
    assert "流心奶黄月饼礼盒" in read_brief("别提奶黄月饼礼盒", BAKERY).avoided_words()  # a product: all its names
    assert read.summary() == "不提竞品；不要提月饼；面向 带孩子的家庭"
    # 给 names an audience only when people are named: 给猫换粮 is a theme, not an audience.
    assert read_brief("给新手家庭", BAKERY).audience == "新手家庭"
    assert read_brief("给面包换个包装", BAKERY).audience == ""


def test_what_was_not_understood_is_said_not_guessed() -> None:
    read = read_brief("主推芒果慕斯，面向上班族", BAKERY)
    assert read.focus == [] and read.audience == "上班族"
    assert any("芒果慕斯" in part for part in read.unread)
    lines = read.operator_lines()
    assert lines[0] == "已按简报：面向 上班族" and lines[1].startswith("简报里没读懂：")
    assert read_brief("量子纠缠专题", BAKERY).unread  # nothing in the brand's knowledge speaks to it


def test_goal_and_tone_hints() -> None:
    read = read_brief("想多点互动，语气轻松", BAKERY)
    assert read.goal == "engagement" and read.tone == ["轻松"]


def test_the_checker_catches_each_broken_constraint() -> None:
    read = read_brief("不打价格战，不提竞品，不要提月饼，面向上班族", BAKERY)
    assert {v.constraint for v in check_item(_item("生吐司双12到手价 19 元"), read, BAKERY.competitors)} == {
        "price", "audience"}
    assert {v.constraint for v in check_item(_item("为什么我们的吐司比可颂先生软"), read, BAKERY.competitors)} >= {
        "competitor"}
    assert {v.constraint for v in check_item(_item("中秋月饼预售"), read, BAKERY.competitors)} >= {"term"}
    assert check_item(_item("生吐司怎么保存不变硬", angle="面向上班族；讲步骤"), read, BAKERY.competitors) == []


def test_a_focus_is_kept_when_at_least_a_third_of_topics_name_it() -> None:
    read = read_brief("主推生吐司", BAKERY)
    named = [_item("生吐司怎么保存不变硬", item_id="1"), _item("凌晨四点的备料", item_id="2"),
             _item("老面是怎么养的", item_id="3")]
    assert check_plan(named, read) == []
    assert [v.constraint for v in check_plan(named[1:], read)] == ["focus"]


@pytest.mark.parametrize(
    ("topic", "placeholder"),
    [
        ("聊聊北海道生吐司", True),
        ("大雪｜时令品牌日常", True),
        ("北海道生吐司：你想知道的都在这里", True),
        ("双12清单：招牌碱水结", True),
        ("生吐司怎么保存不变硬", False),
        ("一炉碱水结要烤几分钟", False),
        ("凌晨四点的备料", False),
    ],
)
def test_a_placeholder_says_nothing_beyond_names(topic: str, placeholder: bool) -> None:
    names = ["北海道生吐司", "生吐司", "招牌碱水结", "碱水结", "大雪", "双12"]
    assert is_placeholder(topic, names) is placeholder
