"""Synthetic platform exports with Chinese headers, for demos, the benchmark and the eval fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nmo.platforms import get_platform, platform_table

if TYPE_CHECKING:
    import pandas as pd

PILLARS = ("产品测评", "冷萃知识", "门店活动", "用户故事")
FORMATS = {
    "xiaohongshu": ("图文笔记", "测评", "vlog"),
    "wechat": ("深度长文", "清单", "故事"),
    "douyin": ("口播", "教程", "开箱"),
}
VIDEO_SHAPES = ("short_video", "video")  # pieces of these shapes have a completion rate (完播率)
# Chinese back-office headers of a combined export (one row per piece).
HEADERS = {
    "platform": "平台",
    "post_id": "内容ID",
    "title": "标题",
    "pillar": "栏目",
    "format": "内容形式",
    "published_at": "发布时间",
    "impressions": "曝光量",
    "clicks": "点击量",
    "views": "阅读量",
    "likes": "点赞",
    "comments": "评论",
    "shares": "分享",
    "saves": "收藏",
    "completion_rate": "完播率",
    "follows": "涨粉",
    "conversions": "转化",
    "spend": "花费(元)",
}


def synthetic_pieces(rows: int, seed: int = 7, start: str = "2026-08-03") -> pd.DataFrame:
    """A frame of `rows` pieces over 12 weeks with canonical column names and realistic rates."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    platforms = rng.choice(list(FORMATS), size=rows, p=[0.5, 0.2, 0.3])
    pillar_index = rng.integers(0, len(PILLARS), size=rows)
    hours = rng.choice([8, 12, 18, 19, 21, 22], size=rows)
    day_offsets = rng.integers(0, 84, size=rows)
    minutes = rng.integers(0, 60, size=rows)
    published = (
        pd.Timestamp(start)
        + pd.to_timedelta(day_offsets, unit="D")
        + pd.to_timedelta(hours, unit="h")
        + pd.to_timedelta(minutes, unit="m")
    )
    impressions = rng.lognormal(mean=8.5, sigma=1.0, size=rows).round()
    clicks = rng.binomial(impressions.astype(np.int64), 0.12)
    views = clicks + rng.binomial(impressions.astype(np.int64), 0.03)
    lift = 1.0 + 0.25 * (hours >= 21) + 0.15 * (pillar_index == 1)
    views_int = views.astype(np.int64)
    likes = rng.binomial(views_int, np.clip(0.04 * lift, 0, 1))
    comments = rng.binomial(views_int, 0.005)
    shares = rng.binomial(views_int, 0.004)
    saves = rng.binomial(views_int, np.clip(0.02 * lift, 0, 1))
    follows = rng.binomial(views_int, 0.002)
    conversions = rng.binomial(clicks.astype(np.int64), 0.02)
    video = np.array([get_platform(p).shape in VIDEO_SHAPES for p in platforms], dtype=bool)
    completion = np.where(video, rng.uniform(0.1, 0.6, size=rows).round(4), np.nan)
    spend = np.where(rng.random(rows) < 0.3, (impressions * 0.02).round(2), np.nan)
    formats = np.array(
        [FORMATS[p][i % 3] for p, i in zip(platforms, pillar_index, strict=True)], dtype=object
    )
    return pd.DataFrame(
        {
            "platform": platforms,
            "post_id": [f"P{i:07d}" for i in range(rows)],
            "title": [f"{PILLARS[i]}第{n}期" for n, i in enumerate(pillar_index)],
            "pillar": [PILLARS[i] for i in pillar_index],
            "format": formats,
            "published_at": published,
            "impressions": impressions,
            "clicks": clicks,
            "views": views,
            "likes": likes,
            "comments": comments,
            "shares": shares,
            "saves": saves,
            "completion_rate": completion,
            "follows": follows,
            "conversions": conversions,
            "spend": spend,
        }
    )


def write_export(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8-sig") -> Path:
    """Write pieces as a back-office style CSV: Chinese headers and platform names, rates as percentages."""
    out = frame.copy()
    if "platform" in out:
        table = platform_table().platforms
        out["platform"] = out["platform"].map(lambda p: table[p].name if p in table else p)
    if "published_at" in out:
        out["published_at"] = out["published_at"].dt.strftime("%Y-%m-%d %H:%M")
    if "completion_rate" in out:
        out["completion_rate"] = out["completion_rate"].map(lambda r: "" if r != r else f"{r * 100:.2f}%")
    out = out.rename(columns=HEADERS)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding=encoding)
    return path
