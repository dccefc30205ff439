"""KPIs, trends, slots, rankings and outliers against hand-computed answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.analyst.pipeline import analyze_files

HEADER = "平台,内容ID,标题,栏目,内容形式,发布时间,曝光,点击,阅读量,点赞,评论,分享,收藏,涨粉,转化,花费\n"


def export(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_group_kpis_are_ratios_of_sums_over_known_cells(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        [
            "小红书,A,t1,知识,图文,2026-10-05 21:00,1000,100,500,20,5,3,2,4,2,50",
            "小红书,B,t2,知识,图文,2026-10-06 12:00,2000,300,1000,50,10,5,5,6,3,",
            "小红书,C,t3,活动,vlog,2026-10-12 21:00,,,,30,1,1,1,,,",  # no views: not in any rate
            "公众号,D,t4,知识,长文,2026-10-07 08:00,,,800,40,4,4,,2,,",
        ],
    )
    result = analyze_files([path])
    xhs = next(p for p in result.platforms if p.platform == "xiaohongshu")
    t = xhs.totals
    assert t.pieces == 3 and t.views == 1500
    assert t.engagement_rate == pytest.approx((30 + 70) / 1500)
    assert t.ctr == pytest.approx(400 / 3000)
    assert t.conversion_rate == pytest.approx(5 / 400)
    assert t.follows_per_1k_views == pytest.approx(10 / 1500 * 1000)
    assert t.cpm == pytest.approx(50 / 1000 * 1000)  # spend only known for A
    assert t.cpe == pytest.approx(50 / 30)
    assert t.cpa == pytest.approx(50 / 2)
    assert t.engagements == 30 + 70 + 33
    pillars = {k.group: k for k in xhs.by_pillar}
    assert pillars["知识"].engagement_rate == pytest.approx(100 / 1500)
    assert pillars["活动"].engagement_rate is None
    assert result.overall.engagement_rate == pytest.approx((100 + 48) / 2300)
    wechat = next(p for p in result.platforms if p.platform == "wechat")
    assert wechat.totals.ctr is None and wechat.totals.cpm is None


def test_week_over_week_change_uses_the_calendar_week_before(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        [
            "小红书,A,t,知识,图文,2026-10-05 21:00,,,1000,50,,,,,,",  # week of Mon 10-05
            "小红书,B,t,知识,图文,2026-10-11 21:00,,,1000,30,,,,,,",  # Sunday, same week
            "小红书,C,t,知识,图文,2026-10-13 21:00,,,3000,60,,,,,,",  # week of 10-12
            "小红书,D,t,知识,图文,2026-10-27 21:00,,,500,5,,,,,,",  # 10-26: no week before with posts
        ],
    )
    weeks = analyze_files([path]).platforms[0].weeks
    assert [w.week_start for w in weeks] == [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 26)]
    assert weeks[1].views_change == pytest.approx(3000 / 2000 - 1)
    assert weeks[1].engagement_rate_change == pytest.approx(60 / 3000 - 80 / 2000)
    assert weeks[2].views_change is None


def test_best_hours_weekdays_and_pillars_need_three_pieces(tmp_path: Path) -> None:
    rows = []
    for i in range(3):  # 21:00 on Mondays: 10% ER; 08:00 on Tuesdays: 2%; 12:00 once: 50% (too few pieces)
        rows.append(f"小红书,N{i},t,知识,图文,2026-10-{5 + 7 * i:02d} 21:00,,,1000,100,,,,,,")
        rows.append(f"小红书,M{i},t,活动,图文,2026-10-{6 + 7 * i:02d} 08:00,,,1000,20,,,,,,")
    rows.append("小红书,X,t,其他,图文,2026-10-07 12:00,,,1000,500,,,,,,")
    p = analyze_files([export(tmp_path, rows)]).platforms[0]
    assert p.best_hours == ["21:00", "08:00"]
    assert p.best_weekdays == [0, 1]
    assert p.best_pillars == ["知识", "活动"]


def test_top_bottom_and_outliers(tmp_path: Path) -> None:
    rows = [f"小红书,P{i},piece{i},知识,图文,2026-10-05 21:00,,,1000,{50 + i},,,,,," for i in range(10)]
    rows.append("小红书,HOT,爆款,知识,图文,2026-10-06 21:00,,,1000,400,,,,,,")
    p = analyze_files([export(tmp_path, rows)]).platforms[0]
    assert p.top[0].post_id == "HOT" and p.top[0].row.endswith(":12")
    assert p.bottom[0].post_id == "P0"
    assert [o.piece.post_id for o in p.outliers] == ["HOT"] and p.outliers_total == 1
    # hand-computed: ERs .050….059 and .4; median .055, MAD .003 → score 0.6745*(.4-.055)/.003
    assert p.outliers[0].score == pytest.approx(0.6745 * (0.4 - 0.055) / 0.003)


def test_platform_filter_and_date_range_exclude_with_counts(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        [
            "小红书,A,t,知识,图文,2026-10-05 21:00,,,1000,50,,,,,,",
            "公众号,B,t,知识,长文,2026-10-05 21:00,,,1000,50,,,,,,",
            "小红书,C,t,知识,图文,2026-11-05 21:00,,,1000,50,,,,,,",
            "小红书,D,t,知识,图文,,,,1000,50,,,,,,",
        ],
    )
    result = analyze_files(
        [path], platform="xiaohongshu", date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)
    )
    assert result.summary.rows_used == 1 and result.summary.excluded == 3
    assert result.summary.issue_counts == {
        "excluded: other platform": 1,
        "excluded: no publish time": 1,
        "excluded: outside date range": 1,
    }


def test_best_hours_are_beijing_hours_when_the_export_writes_utc(tmp_path: Path) -> None:
    rows = []
    for i in range(3):  # 13:00Z is 21:00 in Beijing: the strong slot; 00:00Z is 08:00
        rows.append(f"小红书,N{i},t,知识,图文,2026-10-{5 + 7 * i:02d}T13:00Z,,,1000,100,,,,,,")
        rows.append(f"小红书,M{i},t,活动,图文,2026-10-{6 + 7 * i:02d}T00:00:00+00:00,,,1000,20,,,,,,")
    p = analyze_files([export(tmp_path, rows)]).platforms[0]
    assert p.best_hours == ["21:00", "08:00"]
