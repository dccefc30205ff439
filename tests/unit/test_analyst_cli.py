"""`nmo analyze` / `nmo abtest` through the CLI runner: reports, JSON, insights for the planner, 复盘."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
import typer
from nmo.analyst import Insights, latest_insights
from nmo.cli import analyze
from nmo.config import Settings
from nmo.errors import UserInputError
from typer.testing import CliRunner

FIXTURES = Path(__file__).resolve().parents[2] / "evals" / "analyst" / "fixtures"
runner = CliRunner()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    application = typer.Typer()
    analyze.register(application)
    return application


def exports() -> list[str]:
    return [
        str(FIXTURES / n) for n in ("xiaohongshu_notes.csv", "wechat_articles.xlsx", "douyin_gb18030.csv")
    ]


def test_analyze_writes_three_reports_with_embedded_charts(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["analyze", *exports(), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "mapped:" in result.output and "浏览量→views" in result.output
    assert "rejected" in result.output and "row" in result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "https://" not in html and "<script" not in html
    images = html.split('src="data:image/png;base64,')[1:]
    assert len(images) >= 3
    assert base64.b64decode(images[0].split('"')[0]).startswith(b"\x89PNG")
    assert "互动率" in html and "小红书" in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## 结论" in markdown and "| 平台 |" in markdown
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {p["platform"] for p in document["platforms"]} == {"xiaohongshu", "wechat", "douyin"}


def test_analyze_saves_insights_the_planner_reads(app: typer.Typer, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    assert latest_insights(settings) is None
    result = runner.invoke(app, ["analyze", *exports(), "--report", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    insights = latest_insights(settings)
    assert isinstance(insights, Insights)
    assert insights.source == str((tmp_path / "r" / "report.json").resolve())
    assert set(insights.best_pillars) <= {"xiaohongshu", "wechat", "douyin"} and insights.best_pillars
    for slots in insights.best_slots.values():
        assert all(len(s) == 5 and s[2] == ":" for s in slots)
    assert json.loads((tmp_path / "r" / "insights.json").read_text(encoding="utf-8"))["best_slots"]


def test_corrupt_insights_file_reads_as_none(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "latest.json").write_text("{not json", encoding="utf-8")
    assert latest_insights(settings) is None


def test_json_output_and_platform_alias(app: typer.Typer) -> None:
    result = runner.invoke(app, ["analyze", exports()[0], "--platform", "小红书", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["result"]["platforms"][0]["platform"] == "xiaohongshu"
    assert document["result"]["summary"]["rejected"] == 4
    assert document["written"]["insights"].endswith("latest.json")


def test_strict_exits_1_when_rows_were_rejected(app: typer.Typer) -> None:
    assert runner.invoke(app, ["analyze", exports()[0], "--strict"]).exit_code == 1


def test_bad_input_raises_user_errors(app: typer.Typer, tmp_path: Path) -> None:
    unknown = tmp_path / "x.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    for args in (
        ["analyze", str(unknown)],
        ["analyze"],
        ["analyze", exports()[0], "--from", "yesterday"],
        ["analyze", exports()[0], "--platform", "myspace"],
    ):
        result = runner.invoke(app, args)
        assert isinstance(result.exception, UserInputError), args


def test_abtest_command_prints_verdicts(app: typer.Typer) -> None:
    result = runner.invoke(app, ["abtest", str(FIXTURES / "ab_tests.csv")])
    assert result.exit_code == 0, result.output
    assert "B 胜出" in result.output and "无法检验" in result.output and "差异不显著" in result.output
    data = json.loads(runner.invoke(app, ["abtest", str(FIXTURES / "ab_tests.csv"), "--json"]).stdout)
    assert {e["experiment"]: e["winner"] for e in data["experiments"]}["三版本"] == "C"


def test_post_mortem_compares_goals_with_results(app: typer.Typer, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "xiaohongshu_notes.csv", tmp_path / "xhs.csv")
    campaign = tmp_path / "双12.yaml"
    campaign.write_text(
        "name: 双12冷萃\nfrom: 2026-09-01\nto: 2026-10-31\nexports: [xhs.csv]\n"
        "goals: {views: 1000, engagement_rate: 90%, cpa: 5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "pm"
    result = runner.invoke(app, ["analyze", "--post-mortem", str(campaign), "--report", str(out), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)["result"]
    goals = {g["metric"]: g for g in document["goals"]}
    assert goals["views"]["met"] is True and goals["engagement_rate"]["met"] is False
    assert goals["cpa"]["actual"] is None and goals["cpa"]["met"] is False
    assert document["worked"] and document["change"]
    assert "复盘：双12冷萃" in (out / "report.md").read_text(encoding="utf-8")


def test_invalid_campaign_file_is_a_user_error(app: typer.Typer, tmp_path: Path) -> None:
    campaign = tmp_path / "c.yaml"
    campaign.write_text("name: x\ngoals: {likes_per_day: 3}\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", "--post-mortem", str(campaign)])
    assert isinstance(result.exception, UserInputError)
    assert "likes_per_day" in result.exception.problem


def test_charts_fall_back_with_a_warning_when_no_chinese_font(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib import font_manager
    from nmo.analyst import charts

    def latin_only(entry: font_manager.FontEntry) -> bool:
        return font_manager.get_font(entry.fname).get_char_index(ord("中")) == 0

    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [e for e in manager.ttflist if latin_only(e)])
    monkeypatch.setattr(charts, "CJK_FONT_FILES", ())
    monkeypatch.setenv("PATH", str(tmp_path / "no-fontconfig"))
    result = runner.invoke(app, ["analyze", exports()[0], "--report", str(tmp_path / "r")])
    manager._findfont_cached.cache_clear()  # answers found without the CJK fonts must not outlive this test
    assert result.exit_code == 0, result.output
    assert "fonts-wqy-microhei" in result.output
    assert "fonts-wqy-microhei" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert (tmp_path / "r" / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") >= 3


def test_sheet_names_tell_the_platform(tmp_path: Path) -> None:
    from nmo.analyst.pipeline import analyze_files
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "小红书"
    first.append(["标题", "阅读量", "点赞"])
    first.append(["a", 100, 5])
    second = book.create_sheet("抖音")
    second.append(["标题", "播放量", "点赞"])
    second.append(["b", 300, 9])
    book.save(tmp_path / "export.xlsx")
    result = analyze_files([tmp_path / "export.xlsx"])
    assert {p.platform: p.totals.views for p in result.platforms} == {"xiaohongshu": 100, "douyin": 300}


def report_header(app: typer.Typer, export: Path, out: Path, *window: str) -> str:
    result = runner.invoke(app, ["analyze", str(export), "--report", str(out), *window])
    assert result.exit_code == 0, result.output
    markdown = (out / "report.md").read_text(encoding="utf-8")
    return next(line for line in markdown.splitlines() if line.startswith("生成时间"))


def test_report_header_shows_the_dates_the_data_covers_and_the_filter(app: typer.Typer, tmp_path: Path) -> None:
    export = tmp_path / "notes.csv"
    export.write_text(
        "平台,标题,发布时间,阅读量,点赞\n"
        "小红书,a,2026-09-28 21:00,1000,50\n"
        "小红书,b,2026-10-03 12:00,1000,40\n"
        "小红书,c,2026-10-19 08:00,1000,30\n"
        "小红书,d,2026-11-02 08:00,1000,30\n",
        encoding="utf-8",
    )
    whole = report_header(app, export, tmp_path / "all")
    assert "2026-09-28 — 2026-11-02" in whole and "最早" not in whole and "筛选" not in whole
    window = report_header(app, export, tmp_path / "oct", "--from", "2026-10-01", "--to", "2026-10-31")
    assert "2026-10-03 — 2026-10-19" in window and "筛选 2026-10-01 — 2026-10-31" in window
    opened = report_header(app, export, tmp_path / "since", "--from", "2026-10-01")
    assert "2026-10-03 — 2026-11-02" in opened and "筛选 2026-10-01 — 不限" in opened
