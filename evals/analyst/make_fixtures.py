"""Write the analyst eval fixtures (small messy exports) and their known answers, computed independently.

The expected KPIs are computed here in plain Python from the truth records, and p-values / CIs / sample sizes
with scipy, never with nmo.analyst. Run: .venv/bin/python evals/analyst/make_fixtures.py
"""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from scipy import stats

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
CASES = HERE / "cases"
PILLARS = ("产品测评", "冷萃知识", "门店活动")
ENGAGEMENT = ("likes", "comments", "shares", "saves")


def truth_rows(
    rng: random.Random, platform: str, count: int, fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Clean pieces with round numbers where a messy spelling (1.2万, 3.4w) can represent them exactly."""
    start = datetime(2026, 9, 7, 0, 0)
    rows = []
    for i in range(count):
        views = rng.choice([rng.randint(200, 9000), rng.randint(1, 9) * 1000 + rng.choice([0, 0, 200])])
        row: dict[str, Any] = {
            "post_id": f"{platform[:2].upper()}{i:04d}",
            "title": f"{PILLARS[i % 3]}·第{i}篇",
            "pillar": PILLARS[i % 3],
            "published": start + timedelta(days=rng.randint(0, 27), hours=rng.choice([8, 12, 19, 21])),
            "views": views,
        }
        for f in fields:
            if f in ENGAGEMENT:
                row[f] = rng.randint(0, views // 10)
            elif f == "follows":
                row[f] = rng.randint(0, 40)
            elif f == "impressions":
                row[f] = views * rng.randint(3, 8)
            elif f == "clicks":
                row[f] = rng.randint(views // 2, views)
            elif f == "conversions":
                row[f] = rng.randint(0, 30)
            elif f == "completion_rate":
                row[f] = rng.randint(100, 800) / 1000
            elif f == "spend":
                row[f] = rng.randint(1000, 90000) / 100
        rows.append(row)
    return rows


def ratio(rows: list[dict[str, Any]], num: str, den: str, scale: float = 1.0) -> float | None:
    """Σ num / Σ den over rows where both are known."""
    top = bottom = 0.0
    for row in rows:
        n, d = row.get(num), row.get(den)
        if n is None or d is None:
            continue
        top += n
        bottom += d
    return top / bottom * scale if bottom else None


def engagements(row: dict[str, Any]) -> float | None:
    present = [row[f] for f in ENGAGEMENT if row.get(f) is not None]
    return float(sum(present)) if present else None


def kpis(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The KPIs the analyst must reproduce, computed independently."""
    for row in rows:
        row["engagements"] = engagements(row)
        cr, views = row.get("completion_rate"), row.get("views")
        row["completion_views"] = None if cr is None or views is None else cr * views
    out = {
        "pieces": float(len(rows)),
        "views": float(sum(r["views"] for r in rows if r.get("views") is not None)),
        "engagement_rate": ratio(rows, "engagements", "views"),
        "ctr": ratio(rows, "clicks", "impressions"),
        "conversion_rate": ratio(rows, "conversions", "clicks"),
        "follows_per_1k_views": ratio(rows, "follows", "views", 1000.0),
        "completion_rate": ratio(rows, "completion_views", "views"),
        "cpm": ratio(rows, "spend", "impressions", 1000.0),
        "cpe": ratio(rows, "spend", "engagements"),
        "cpa": ratio(rows, "spend", "conversions"),
    }
    return {k: v for k, v in out.items() if v is not None}


def write_csv(path: Path, header: list[str], lines: list[list[str]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(lines)


def messy_count(value: int, index: int) -> str:
    if value >= 10000 and value % 1000 == 0 and index % 2 == 0:
        return f"{value / 10000:g}万"
    if value >= 1000 and value % 1000 == 0:
        return f"{value / 10000:g}w" if value >= 10000 else f"{value / 1000:g}k"
    return f"{value:,}"


DATE_STYLES = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M")


def xiaohongshu_case(rng: random.Random) -> dict[str, Any]:
    fields = ("impressions", "clicks", "likes", "comments", "saves", "shares", "follows")
    rows = truth_rows(rng, "xiaohongshu", 24, fields)
    header = [
        "笔记ID",
        "笔记标题",
        "栏目",
        "发布时间",
        "曝光",
        "点击",
        "浏览量",
        "点赞",
        "评论",
        "收藏",
        "分享",
        "涨粉",
        "备注",
    ]
    lines = [
        [
            r["post_id"],
            r["title"],
            r["pillar"],
            r["published"].strftime(DATE_STYLES[i % 3]),
            messy_count(r["impressions"], i),
            str(r["clicks"]),
            messy_count(r["views"], i),
            str(r["likes"]),
            str(r["comments"]),
            str(r["saves"]),
            str(r["shares"]),
            str(r["follows"]),
            "ok",
        ]
        for i, r in enumerate(rows)
    ]
    bad = [
        ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # empty: skipped
        [
            rows[3]["post_id"],
            "重复",
            "产品测评",
            "2026-09-20 12:00",
            "100",
            "10",
            "50",
            "1",
            "1",
            "1",
            "1",
            "0",
            "",
        ],
        ["XN9001", "负数", "产品测评", "2026-09-21 12:00", "100", "10", "50", "-3", "1", "1", "1", "0", ""],
        ["XN9002", "读不出", "冷萃知识", "2026-09-21 12:00", "100", "10", "abc", "3", "1", "1", "1", "0", ""],
        [
            "XN9003",
            "CTR>100%",
            "冷萃知识",
            "2026-09-21 12:00",
            "100",
            "120",
            "50",
            "3",
            "1",
            "1",
            "1",
            "0",
            "",
        ],
        ["合计", "", "", "", "", "", "", "", "", "", "", "", ""],  # summary: skipped
    ]
    write_csv(FIXTURES / "xiaohongshu_notes.csv", header, lines[:10] + bad[:3] + lines[10:] + bad[3:])
    return {"rows": rows, "rejected": 4, "empty": 1, "duplicates": 1, "read": len(rows) + len(bad)}


def wechat_case(rng: random.Random) -> dict[str, Any]:
    fields = ("likes", "saves", "shares", "comments", "follows")
    rows = truth_rows(rng, "wechat", 18, fields)
    rows[5]["views"] = None  # a blank 阅读数: its engagements must not count in the rate either
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["本表由公众号后台导出"])
    notes.append(["数据口径：截至导出时"])
    sheet = workbook.create_sheet("图文数据")
    sheet.append(["公众号图文数据 2026年9月"])
    sheet.append(
        ["文章标题", "文章ID", "栏目", "群发时间", "阅读数", "点赞", "在看", "分享", "留言", "新增关注"]
    )
    for i, r in enumerate(rows):
        published: Any = r["published"] if i % 2 else r["published"].strftime("%Y-%m-%d %H:%M")
        sheet.append(
            [
                r["title"],
                r["post_id"],
                r["pillar"],
                published,
                r["views"],
                r["likes"],
                r["saves"],
                r["shares"],
                r["comments"],
                r["follows"],
            ]
        )
    sheet.append(["坏日期", "WX9001", "门店活动", "昨天", 100, 1, 1, 1, 1, 0])
    workbook.properties.created = workbook.properties.modified = datetime(2026, 11, 1)  # stable bytes
    workbook.save(FIXTURES / "wechat_articles.xlsx")
    return {"rows": rows, "rejected": 1, "empty": 0, "duplicates": 0, "read": len(rows) + 1}


def douyin_case(rng: random.Random) -> dict[str, Any]:
    fields = (
        "impressions",
        "clicks",
        "likes",
        "comments",
        "shares",
        "completion_rate",
        "follows",
        "conversions",
        "spend",
    )
    rows = truth_rows(rng, "douyin", 20, fields)
    header = [
        "作品ID",
        "作品标题",
        "内容分类",
        "发布日期",
        "曝光量",
        "点击量",
        "播放量",
        "点赞数",
        "评论数",
        "转发数",
        "完播率",
        "新增粉丝",
        "转化数",
        "花费(元)",
    ]
    lines = [
        [
            r["post_id"],
            r["title"],
            r["pillar"],
            r["published"].strftime("%Y%m%d") if i == 0 else r["published"].strftime(DATE_STYLES[i % 3]),
            f"{r['impressions']:,}",
            str(r["clicks"]),
            messy_count(r["views"], i),
            str(r["likes"]),
            str(r["comments"]),
            str(r["shares"]),
            f"{r['completion_rate'] * 100:.1f}%",
            str(r["follows"]),
            str(r["conversions"]),
            f"{r['spend']:,.2f}",
        ]
        for i, r in enumerate(rows)
    ]
    lines.append(
        [
            "DY9001",
            "完播率超",
            "产品测评",
            "2026-09-22 19:00",
            "1000",
            "100",
            "500",
            "5",
            "1",
            "1",
            "120%",
            "0",
            "0",
            "10",
        ]
    )
    write_csv(FIXTURES / "douyin_gb18030.csv", header, lines, encoding="gb18030")
    return {"rows": rows, "rejected": 1, "empty": 0, "duplicates": 0, "read": len(rows) + 1}


def rounded(value: float) -> float:
    return float(value)


def analyze_cases() -> None:
    rng = random.Random(20261126)
    parts = {"xiaohongshu": xiaohongshu_case(rng), "wechat": wechat_case(rng), "douyin": douyin_case(rng)}
    files = {
        "xiaohongshu": "xiaohongshu_notes.csv",
        "wechat": "wechat_articles.xlsx",
        "douyin": "douyin_gb18030.csv",
    }
    all_rows: list[dict[str, Any]] = []
    expect_kpis: dict[str, float] = {}
    for platform, part in parts.items():
        rows = part["rows"]
        all_rows += rows
        for name, value in kpis(rows).items():
            expect_kpis[f"platforms.{platform}.totals.{name}"] = rounded(value)
        for pillar in PILLARS:
            subset = [r for r in rows if r["pillar"] == pillar]
            for name in ("engagement_rate", "pieces"):
                value = kpis(subset).get(name)
                if value is not None:
                    expect_kpis[f"platforms.{platform}.by_pillar.{pillar}.{name}"] = rounded(value)
        single = {
            "name": f"{platform}_export",
            "kind": "analyze",
            "files": [f"fixtures/{files[platform]}"],
            "platform": platform if platform == "douyin" else None,
            "expect": {
                "kpis": {k: v for k, v in expect_kpis.items() if k.startswith(f"platforms.{platform}.")},
                "summary": {
                    "rows_used": len(rows),
                    "rejected": part["rejected"],
                    "empty_rows": part["empty"],
                    "duplicates": part["duplicates"],
                    "rows_read": part["read"],
                },
            },
        }
        (CASES / f"analyze_{platform}.yaml").write_text(
            yaml.safe_dump(single, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    overall = {f"overall.{k}": rounded(v) for k, v in kpis(all_rows).items()}
    combined = {
        "name": "all_three_exports",
        "kind": "analyze",
        "files": [f"fixtures/{f}" for f in files.values()],
        "expect": {
            "kpis": {**overall, **expect_kpis},
            "summary": {
                "rows_used": len(all_rows),
                "rejected": sum(p["rejected"] for p in parts.values()),
                "empty_rows": sum(p["empty"] for p in parts.values()),
            },
        },
    }
    (CASES / "analyze_all.yaml").write_text(
        yaml.safe_dump(combined, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def z_test(s1: int, n1: int, s2: int, n2: int) -> dict[str, float]:
    """Independent two-proportion test with scipy: pooled z, Wald CI, Cohen's-h sample size."""
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    crit = stats.norm.ppf(0.975)
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    n = math.ceil(2 * ((crit + stats.norm.ppf(0.8)) / h) ** 2) if h else None
    return {
        "difference": rounded(p2 - p1),
        "ci_low": rounded(p2 - p1 - crit * se),
        "ci_high": rounded(p2 - p1 + crit * se),
        "p_value": rounded(2 * stats.norm.sf(abs(z))),
        "required": n,
    }


def abtest_cases() -> None:
    experiments = {
        "标题A/B": [("A", 5000, 250), ("B", 5000, 330)],  # significant, B wins
        "封面测试": [("对照", 2400, 120), ("新封面", 2380, 131)],  # not significant
        "三版本": [("A", 4000, 200), ("B", 4000, 205), ("C", 4000, 290)],  # chi-square, C wins
        "零曝光": [("A", 1000, 50), ("B", 0, 0)],  # cannot test
    }
    lines = []
    for name, variants in experiments.items():
        for variant, trials, successes in variants:
            half_t, half_s = trials // 2, successes // 2  # daily rows, summed by the analyst
            lines.append([name, variant, "2026-10-01", f"{half_t:,}", str(half_s)])
            lines.append([name, variant, "2026-10-02", f"{trials - half_t:,}", str(successes - half_s)])
    lines.insert(3, ["", "", "", "", ""])
    lines.append(["标题A/B", "B", "2026-10-03", "100", "150"])  # clicks > impressions: rejected
    write_csv(FIXTURES / "ab_tests.csv", ["实验名称", "版本", "日期", "曝光量", "点击量"], lines)
    expect: dict[str, Any] = {}
    for name, variants in experiments.items():
        if any(t == 0 for _v, t, _s in variants):
            expect[name] = {"test": "none", "winner": None}
            continue
        control = variants[0]
        comparisons = {}
        for variant, trials, successes in variants[1:]:
            result = z_test(control[2], control[1], successes, trials)
            comparisons[variant] = {k: result[k] for k in ("difference", "ci_low", "ci_high", "p_value")}
            if result["p_value"] >= 0.05:
                comparisons[variant]["required_per_variant"] = result["required"]
        entry: dict[str, Any] = {"comparisons": comparisons}
        if len(variants) == 2:
            p_value = comparisons[variants[1][0]]["p_value"]
            entry.update(
                test="z-test",
                p_value=p_value,
                winner=max(variants, key=lambda v: v[2] / v[1])[0] if p_value < 0.05 else None,
            )
        else:
            table = [[s, t - s] for _v, t, s in variants]
            chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
            entry.update(
                test="chi-square", p_value=rounded(p_value), statistic=rounded(chi2), dof=int(dof), winner="C"
            )
        expect[name] = entry
    case = {
        "name": "ab_tests",
        "kind": "abtest",
        "files": ["fixtures/ab_tests.csv"],
        "expect": {"experiments": expect, "summary": {"rejected": 1, "empty_rows": 1}},
    }
    (CASES / "abtest.yaml").write_text(
        yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def campaign_example() -> None:
    """A 复盘 campaign file over two of the fixtures, as `nmo analyze --post-mortem` reads it."""
    campaign = {
        "name": "九月冷萃上新",
        "from": "2026-09-07",
        "to": "2026-10-11",
        "exports": ["xiaohongshu_notes.csv", "douyin_gb18030.csv"],
        "goals": {"views": 200000, "engagement_rate": "20%", "follows": 800, "cpa": 30},
    }
    (FIXTURES / "campaign_example.yaml").write_text(
        yaml.safe_dump(campaign, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    CASES.mkdir(parents=True, exist_ok=True)
    analyze_cases()
    abtest_cases()
    campaign_example()
    print(f"wrote fixtures to {FIXTURES} and cases to {CASES}")


if __name__ == "__main__":
    main()
