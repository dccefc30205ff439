"""Reading exports as operators get them: encodings, title rows, several sheets, unknown headers, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.analyst.loading import read_export
from nmo.analyst.pipeline import analyze_files
from nmo.errors import UserInputError
from openpyxl import Workbook

HEADER = "笔记ID,标题,栏目,发布时间,浏览量,点赞,评论,收藏,分享\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_gb18030_csv_is_read_with_chinese_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path / "小红书.csv", HEADER + 'A1,冷萃,知识,2026-10-01 21:00,"1,200",30,4,5,1\n', "gb18030"
    )
    tables, _ = read_export(path)
    assert tables[0].encoding == "gb18030"
    assert tables[0].mapped["浏览量"] == "views"
    result = analyze_files([path])
    assert result.platforms[0].platform == "xiaohongshu"  # from the file name
    assert result.overall.views == 1200
    assert result.overall.engagement_rate == pytest.approx(40 / 1200)


def test_utf16_tab_separated_export_with_a_title_row(tmp_path: Path) -> None:
    text = (
        "抖音作品数据 2026年10月\n"
        + HEADER.replace(",", "\t")
        + "D1\t口播\t知识\t2026/10/02 12:00\t3.4w\t1.2万\t5\t6\t7\n"
    )
    path = write(tmp_path / "export.tsv", text, "utf-16")
    tables, _ = read_export(path)
    assert tables[0].header_row == 2
    result = analyze_files([path], platform="douyin")
    assert result.overall.views == 34000 and result.overall.likes == 12000
    assert result.summary.issues == []


def test_xlsx_with_a_notes_sheet_and_two_data_sheets(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["导出说明：数据截至昨日"])
    for name, views in (("9月", 100), ("10月", 300)):
        sheet = book.create_sheet(name)
        sheet.append(["文章标题", "群发时间", "阅读数", "在看", "点赞", "平台"])
        sheet.append([f"{name}文章", "2026-10-01 08:00", views, 3, 7, "公众号"])
    path = tmp_path / "wechat.xlsx"
    book.save(path)
    result = analyze_files([path])
    assert result.overall.pieces == 2 and result.overall.views == 400
    assert [m.sheet for m in result.summary.mappings] == ["9月", "10月"]
    assert any("说明" in note and "sheet skipped" in note for note in result.summary.notes)
    assert result.platforms[0].platform == "wechat"


def test_unknown_header_set_lists_what_was_found_and_what_is_needed(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "foo,bar,baz\n1,2,3\n")
    with pytest.raises(UserInputError) as caught:
        read_export(path)
    assert "foo, bar, baz" in caught.value.problem
    assert "阅读量" in caught.value.fix and "views" in caught.value.fix


def test_old_xls_and_unknown_suffix_are_rejected_with_a_fix(tmp_path: Path) -> None:
    for name in ("a.xls", "a.json"):
        with pytest.raises(UserInputError) as caught:
            read_export(write(tmp_path / name, "x"))
        assert caught.value.fix


def test_undecodable_bytes_are_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode("utf-8") + b"\x81\x30\xff\xff,1,2\n")
    with pytest.raises(UserInputError, match="cannot read the file"):
        read_export(path)


def test_every_bad_row_is_counted_with_its_row_number_and_reason(tmp_path: Path) -> None:
    rows = [
        "A1,好,知识,2026-10-01 21:00,1000,10,1,1,1",  # row 2 ok
        ",,,,,,,,",  # row 3 empty
        "A1,重复,知识,2026-10-01 21:00,900,9,1,1,1",  # row 4 duplicate ID
        "A2,负数,知识,2026-10-02 21:00,1000,-5,1,1,1",  # row 5 negative
        "A3,坏数,知识,2026-10-02 21:00,12abc,5,1,1,1",  # row 6 unreadable
        "A4,坏日期,知识,下周一,1000,5,1,1,1",  # row 7 bad date
        "A5,百分比,知识,2026-10-03 21:00,1000,5%,1,1,1",  # row 8 percentage where a count is due
        "合计,,,,3000,30,3,3,3",  # row 9 summary row
        "A6,早,知识,2026-09-01 21:00,1000,5,1,1,1",  # row 10 outside --from
    ]
    path = write(tmp_path / "xhs.csv", HEADER + "\n".join(rows) + "\n")
    from datetime import date

    result = analyze_files([path], date_from=date(2026, 9, 15))
    s = result.summary
    reasons = {issue.row: issue.reason for issue in s.issues}
    assert reasons[3] == "empty row"
    assert "duplicate post ID 'A1'" in reasons[4] and "row 2" in reasons[4]
    assert reasons[5] == "likes is negative (-5)"
    assert "12abc" in reasons[6]
    assert "下周一" in reasons[7]
    assert "percentage" in reasons[8]
    assert "summary row" in reasons[9]
    assert "outside" in reasons[10]
    assert (s.rows_used, s.empty_rows, s.skipped, s.rejected, s.excluded, s.duplicates) == (1, 1, 1, 5, 1, 1)
    assert s.rows_read == s.rows_used + s.empty_rows + s.skipped + s.rejected + s.excluded


def test_rates_above_100_percent_are_rejected(tmp_path: Path) -> None:
    text = (
        "作品ID,播放量,完播率,点赞,曝光,点击\n"
        "D1,100,45%,3,1000,50\nD2,100,120%,3,1000,50\nD3,100,40%,3,10,50\n"
    )
    result = analyze_files([write(tmp_path / "douyin.csv", text)])
    reasons = {i.row: i.reason for i in result.summary.issues}
    assert "above 100%" in reasons[3]
    assert "exceed impressions" in reasons[4]
    assert result.overall.completion_rate == pytest.approx(0.45)


def test_nothing_usable_is_a_user_error_that_names_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "xhs.csv", HEADER + "A1,x,y,2026-10-01,-1,1,1,1,1\n")
    with pytest.raises(UserInputError, match="row 2"):
        analyze_files([path])


def test_without_post_ids_duplicates_are_same_title_and_time(tmp_path: Path) -> None:
    rows = ["甲,2026-10-01 08:00,100,1", "甲,2026-10-01 08:00,100,1", "乙,,100,1", "丙,,100,1"]
    text = "标题,发布时间,阅读量,点赞\n" + "\n".join(rows) + "\n"
    result = analyze_files([write(tmp_path / "xhs.csv", text)])
    assert result.summary.duplicates == 1 and result.summary.rows_used == 3
    assert "duplicate title '甲'" in result.summary.issues[0].reason


def test_header_synonyms_pick_the_stronger_meaning_and_report_the_other() -> None:
    from nmo.analyst.headers import map_headers

    mapped, ignored = map_headers(
        ["弹幕", "评论数", "阅读人数", "阅读次数", "完播率(%)", "花费（元）", "粉丝总数"]
    )
    assert mapped == {
        "评论数": "comments",
        "阅读次数": "views",
        "完播率(%)": "completion_rate",
        "花费（元）": "spend",
    }
    assert ignored == ["弹幕", "阅读人数", "粉丝总数"]
