"""Short names a team uses only in past posts or the calendar reach the profile, and through it the fact
checker; products named only in the calendar are still products. Made-up brands, not the sample."""

from __future__ import annotations

from datetime import date

from nmo.brand.extract import extract_profile
from nmo.brand.profile import BrandProfile
from nmo.checks.facts import FactChecker
from nmo.clock import Clock
from nmo.schemas import SourceDocument

GUIDE = """# 产品

| 品名 | 规格 | 售价 | 配料 |
|---|---|---|---|
| 禾木·雾凇 保温水壶 | 750ml | 168元 | 不锈钢 |
| 石磨全麦吐司 | 400g | 26元 | 全麦粉、老面、海盐 |
| 晨光燕麦拿铁 | 250ml | 15元 | 阿拉比卡豆、椰子水、燕麦奶 |
| 晨光椰香美式 | 250ml | 13元 | 阿拉比卡豆、椰子水 |

# 今年的节奏

| 时间 | 节点 | 主推 | 备注 |
|---|---|---|---|
| 2026-08-20 至 2026-10-06 | 中秋预售 | 桂花流心月饼礼盒 | 已结束 |
| 2026-12-08 至 2026-12-12 | 双12 | 全店 | 满 100 减 10 |
| 2027-03-01 至 2027-03-31 | 春季徒步季 | 雾凇保温壶 | 新手套装 |
"""
POSTS = {
    "posts/01.md": "雾凇壶我用了一个冬天，早上灌的热水到下午还烫嘴。",
    "posts/02.md": "好多人问：蜂蜜吐司放几天？石磨全麦吐司每天下午出炉，常温两天内吃完。",
    "posts/03.md": "拿我们的小蓝罐举例：阿拉比卡豆、椰子水、燕麦奶。配料表越短越好。",
    "posts/04.md": "下午三点：小蓝罐加冰。中秋桂花流心月饼礼盒 6 枚装，到 10 月 6 日截止。",
    "posts/05.md": "台式吐司的香气和石磨全麦吐司不一样。别买所有吐司都一个味道的那种。",
}


def _profile() -> BrandProfile:
    documents = [SourceDocument(path="brand/guide.md", title="品牌手册", kind="brand", text=GUIDE)]
    documents += [SourceDocument(path=path, title=path, kind="content", text=text) for path, text in POSTS.items()]
    return extract_profile(documents)


def test_short_names_from_past_posts_are_given_to_the_one_product_they_name() -> None:
    aliases = {p.name: p.aliases for p in _profile().products}
    assert "雾凇壶" in aliases["禾木·雾凇 保温水壶"]  # its own word + the end of its name
    assert "蜂蜜吐司" in aliases["石磨全麦吐司"]  # its head noun, in a post that names it
    assert "小蓝罐" in aliases["晨光燕麦拿铁"]  # written before its ingredients, and used again elsewhere


def test_describing_words_and_generic_phrases_are_not_taken_for_names() -> None:
    names = {name for p in _profile().products for name in p.names()}
    assert not {"台式吐司", "所有吐司", "小蓝罐举例"} & names
    # two products share 阿拉比卡豆、椰子水: a list of only those could be either, and names neither
    assert "小蓝罐" not in _profile().product("晨光椰香美式").names()  # type: ignore[union-attr]


def test_a_price_written_under_a_post_only_name_is_checked() -> None:
    checker = FactChecker(_profile().products, Clock(fixed=date(2026, 11, 20)))
    wrong = checker.findings("雾凇壶日常价 199元，双12 有满减。")
    assert [(f.category, f.suggestion) for f in wrong] == [("fact", "168元")]
    assert checker.findings("小蓝罐 15元一杯，蜂蜜吐司 26元。") == []
    assert checker.findings("雾凇壶双12 活动价 149元。") == []  # a promotional price is not the list price


def test_the_calendar_names_a_product_no_table_describes_and_a_short_form_of_a_known_one() -> None:
    profile = _profile()
    gift = profile.product("桂花流心月饼礼盒")
    assert gift is not None
    assert (gift.spec, gift.available_from, gift.available_until) == ("6 枚装", date(2026, 8, 20), date(2026, 10, 6))
    assert gift.source is not None and "中秋预售" in gift.source.quote
    assert "雾凇保温壶" in profile.product("禾木·雾凇 保温水壶").aliases  # type: ignore[union-attr]
    assert profile.product("全店") is None
    offered = FactChecker(profile.products, Clock(fixed=date(2026, 11, 20))).findings("桂花流心月饼礼盒现在下单包邮。")
    assert [f.rule_id for f in offered] == ["fact.sale_window"]
