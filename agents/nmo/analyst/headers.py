"""The canonical export schema and the Chinese/English header aliases each platform's back office uses."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Canonical field → header spellings seen in 公众号/微博/抖音/小红书/B站/知乎/快手 exports (compared after
# normalize_header). Order matters only for display.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": (
        "post_id",
        "postid",
        "id",
        "内容id",
        "作品id",
        "笔记id",
        "文章id",
        "视频id",
        "微博id",
        "稿件id",
        "bv号",
        "bvid",
        "内容编号",
        "编号",
        "链接",
        "url",
        "内容链接",
        "作品链接",
    ),
    "title": (
        "title",
        "标题",
        "内容标题",
        "作品标题",
        "笔记标题",
        "文章标题",
        "视频标题",
        "作品名称",
        "作品",
        "内容",
        "名称",
        "稿件标题",
        "微博内容",
        "问题/文章",
    ),
    "platform": ("platform", "平台", "渠道", "发布平台", "账号平台", "channel"),
    "pillar": (
        "pillar",
        "内容支柱",
        "支柱",
        "栏目",
        "内容方向",
        "主题",
        "话题分类",
        "内容分类",
        "分类",
        "category",
    ),
    "format": ("format", "形式", "内容形式", "体裁", "内容类型", "作品类型", "类型", "笔记类型", "type"),
    "published_at": (
        "published_at",
        "publishedat",
        "publish_time",
        "publishtime",
        "publish date",
        "date",
        "发布时间",
        "发布日期",
        "发表时间",
        "发文时间",
        "发布于",
        "创建时间",
        "日期",
        "时间",
        "群发时间",
        "投稿时间",
        "上传时间",
    ),
    "views": (
        "views",
        "view",
        "reads",
        "plays",
        "阅读量",
        "阅读数",
        "阅读",
        "阅读次数",
        "浏览量",
        "浏览数",
        "浏览",
        "播放量",
        "播放数",
        "播放",
        "播放次数",
        "观看量",
        "观看次数",
        "观看数",
        "观看",
        "阅读人数",
        "总阅读",
        "总播放",
    ),
    "impressions": (
        "impressions",
        "impression",
        "曝光",
        "曝光量",
        "曝光数",
        "曝光次数",
        "展现量",
        "展现",
        "展示量",
        "展示次数",
        "展示",
        "推荐量",
        "阅读推荐",
        "覆盖人数",
        "reach",
    ),
    "clicks": ("clicks", "click", "点击", "点击量", "点击数", "点击次数"),
    "likes": ("likes", "like", "点赞", "点赞数", "点赞量", "赞", "赞数", "获赞", "喜欢"),
    "comments": ("comments", "comment", "评论", "评论数", "评论量", "留言", "留言数", "弹幕"),
    "shares": (
        "shares",
        "share",
        "reposts",
        "分享",
        "分享数",
        "分享量",
        "转发",
        "转发数",
        "转发量",
        "分享次数",
    ),
    "saves": ("saves", "save", "favorites", "collects", "收藏", "收藏数", "收藏量", "在看", "在看数"),
    "completion_rate": ("completion_rate", "completion", "完播率", "完播", "播完率", "完整播放率"),
    "follows": (
        "follows",
        "followers_gained",
        "new_followers",
        "followers gained",
        "涨粉",
        "涨粉数",
        "涨粉量",
        "新增关注",
        "新增关注数",
        "新增粉丝",
        "新增粉丝数",
        "净增关注",
        "关注",
    ),
    "conversions": (
        "conversions",
        "conversion",
        "转化",
        "转化数",
        "转化量",
        "成交",
        "成交数",
        "订单",
        "订单数",
        "下单数",
    ),
    "spend": ("spend", "cost", "花费", "消耗", "投放金额", "费用", "投放花费", "推广费用", "花费(元)"),
    "experiment": ("experiment", "test", "实验", "实验名称", "实验名", "测试", "测试名称", "ab实验"),
    "variant": ("variant", "group", "arm", "版本", "变体", "组别", "分组", "实验组", "方案"),
}

COUNT_FIELDS = (
    "views",
    "impressions",
    "clicks",
    "likes",
    "comments",
    "shares",
    "saves",
    "follows",
    "conversions",
)
MONEY_FIELDS = ("spend",)
RATE_FIELDS = ("completion_rate",)
TEXT_FIELDS = ("post_id", "title", "platform", "pillar", "format", "experiment", "variant")
ENGAGEMENT_FIELDS = ("likes", "comments", "shares", "saves")

# Metric → (fields all required, fields of which at least one is required).
METRIC_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "engagement_rate": (("views",), ENGAGEMENT_FIELDS),
    "completion_rate": (("completion_rate",), ()),
    "ctr": (("clicks", "impressions"), ()),
    "conversion_rate": (("conversions", "clicks"), ()),
    "follower_growth": (("follows",), ()),
    "cpm": (("spend",), ("impressions", "views")),
    "cpe": (("spend",), ENGAGEMENT_FIELDS),
    "cpa": (("spend", "conversions"), ()),
    "best_weekday_hour": (("published_at", "views"), ENGAGEMENT_FIELDS),
    "weekly_trend": (("published_at", "views"), ()),
}

_UNIT_SUFFIX = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]$")
_SPACES = re.compile(r"[\s_\-·/]+")
_ALIAS_INDEX: dict[str, tuple[str, int]] = {}


def normalize_header(header: object) -> str:
    """Lower-case a header and drop spaces, separators and a trailing unit such as （次） or (%)."""
    text = str(header).strip().lower().replace("\ufeff", "")
    text = _UNIT_SUFFIX.sub("", text).strip()
    return _SPACES.sub("", text)


def _alias_index() -> dict[str, tuple[str, int]]:
    if not _ALIAS_INDEX:
        for field, aliases in FIELD_ALIASES.items():
            for rank, alias in enumerate((field, *aliases)):
                _ALIAS_INDEX.setdefault(normalize_header(alias), (field, rank))
    return _ALIAS_INDEX


def canonical_field(header: object) -> str | None:
    """The canonical field a header means, or None when it is not one nmo knows."""
    found = _alias_index().get(normalize_header(header))
    return found[0] if found else None


def map_headers(headers: Iterable[object]) -> tuple[dict[str, str], list[str]]:
    """Map headers to canonical fields: (original → field, ignored).

    When two headers mean the same field (阅读次数 and 阅读人数, 评论 and 弹幕) the one earlier in the alias
    list wins and the other is listed as ignored, so the user sees the choice.
    """
    best: dict[str, tuple[int, str]] = {}
    names: list[str] = []
    for header in headers:
        name = str(header).strip()
        if not name or name.lower().startswith("unnamed:"):
            continue
        names.append(name)
        found = _alias_index().get(normalize_header(name))
        if found and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], name)
    chosen = {name: field for field, (_rank, name) in best.items()}
    mapped = {name: chosen[name] for name in names if name in chosen}
    return mapped, [name for name in names if name not in chosen]


def missing_for_metrics(fields: Iterable[str]) -> dict[str, list[str]]:
    """For each metric that cannot be computed from these fields, the fields it still needs."""
    present = set(fields)
    missing: dict[str, list[str]] = {}
    for metric, (required, any_of) in METRIC_NEEDS.items():
        lacking = [f for f in required if f not in present]
        if any_of and not present.intersection(any_of):
            lacking.append(" or ".join(any_of))
        if lacking:
            missing[metric] = lacking
    return missing


def header_score(cells: Iterable[object]) -> int:
    """How many cells of a candidate header row are known headers (used to find the header row)."""
    return sum(1 for cell in cells if cell is not None and str(cell).strip() and canonical_field(cell))


def describe_needed(kind: str) -> str:
    """A readable list of the headers a file of this kind needs, with a few aliases each."""
    fields: tuple[str, ...]
    if kind == "abtest":
        fields = ("experiment", "variant", "impressions", "clicks")
    else:
        fields = ("views", "likes", "comments", "shares", "saves", "published_at")
    parts = []
    for field in fields:
        chinese = [a for a in FIELD_ALIASES[field] if not a.isascii()][:3]
        parts.append(f"{field} ({'/'.join([*chinese, field])})")
    return "; ".join(parts)
