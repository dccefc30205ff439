"""Review text operations: applying a suggestion, highlight segments over overlapping findings, revision diffs."""

from __future__ import annotations

import pytest
from nmo.editing import apply_suggestion, diff_texts, highlight_segments, revision_diff
from nmo.errors import ConflictError, NotFoundError, UserInputError
from nmo.schemas import CheckResult, DraftRecord, Finding, Revision


def finding(start: int, end: int, text: str, severity: str = "blocking", suggestion: str | None = "很好") -> Finding:
    return Finding(rule_id="t", category="ad_law", severity=severity, start=start, end=end, text=text,  # type: ignore[arg-type]
                   message="m", suggestion=suggestion)


def record(text: str, findings: list[Finding]) -> DraftRecord:
    return DraftRecord(draft_id="D1", request_id="r", platform="weibo", topic="t", requested_by="ops",
                       status="pending_review", text=text, check=CheckResult(findings=findings, text_hash="x"),
                       revisions=[Revision(number=1, text="一二三", check=None, reason="first", backend="offline"),
                                  Revision(number=2, text=text, check=None, reason="edit", backend="human")])


def test_apply_suggestion_replaces_exactly_the_span() -> None:
    text = "这是最好的茶，最好喝。"
    assert apply_suggestion(record(text, [finding(7, 9, "最好")]), 0) == "这是最好的茶，很好喝。"


def test_apply_suggestion_refuses_bad_index_no_suggestion_and_stale_offsets() -> None:
    text = "这是最好的茶"
    with pytest.raises(NotFoundError):
        apply_suggestion(record(text, [finding(2, 4, "最好")]), 3)
    with pytest.raises(UserInputError):
        apply_suggestion(record(text, [finding(2, 4, "最好", suggestion=None)]), 0)
    with pytest.raises(ConflictError):
        apply_suggestion(record(text, [finding(0, 2, "最好")]), 0)


def test_segments_cover_the_text_and_take_the_most_severe_overlap() -> None:
    text = "全网第一好茶"
    segments = highlight_segments(text, [finding(0, 4, "全网第一", "warning"), finding(2, 4, "第一", "blocking"),
                                         finding(4, 99, "好茶", "info")])
    assert "".join(s.text for s in segments) == text
    by_text = {s.text: s for s in segments}
    assert by_text["全网"].findings == [0] and by_text["全网"].severity == "warning"
    assert by_text["第一"].findings == [0, 1] and by_text["第一"].severity == "blocking"
    assert by_text["好茶"].severity == "info"
    assert highlight_segments("", []) == []


def test_diff_marks_character_changes_in_chinese() -> None:
    ops = diff_texts("这是最好的茶。\n第二行不变。", "这是很好的茶。\n第二行不变。\n新增一行。")
    deleted = "".join(o.text for o in ops if o.op == "delete")
    inserted = "".join(o.text for o in ops if o.op == "insert")
    assert deleted == "最"
    assert inserted.startswith("很") and inserted.endswith("新增一行。")
    assert "".join(o.text for o in ops if o.op != "insert") == "这是最好的茶。\n第二行不变。"
    assert "".join(o.text for o in ops if o.op != "delete") == "这是很好的茶。\n第二行不变。\n新增一行。"


def test_revision_diff_by_number() -> None:
    rec = record("一二四", [])
    ops = revision_diff(rec, 1, 2)
    assert [(o.op, o.text) for o in ops] == [("equal", "一二"), ("delete", "三"), ("insert", "四")]
    with pytest.raises(NotFoundError):
        revision_diff(rec, 1, 5)


@pytest.mark.parametrize(
    ("suggestion", "replacement"),
    [
        ("冷泡茶", "冷泡茶"),
        ("不加糖，想少喝甜饮料时的一个选择", "不加糖，想少喝甜饮料时的一个选择"),
        ("改为「冷泡茶」", "冷泡茶"),
        ("删除", ""),
        ("写具体、有来源的数据", None),
        ("删除这句，不做替代表述", None),
        ("删除或打码（如 138****0000）", None),
        (None, None),
    ],
)
def test_only_literal_suggestions_can_be_applied(suggestion: str | None, replacement: str | None) -> None:
    from nmo.editing import replacement_for

    found = finding(2, 4, "冷萃", suggestion=suggestion)
    assert replacement_for(found) == replacement
    rec = record("这是冷萃茶", [found])
    if replacement is None:
        with pytest.raises(UserInputError):
            apply_suggestion(rec, 0)
    else:
        assert apply_suggestion(rec, 0) == f"这是{replacement}茶"


def test_citation_markers_become_their_own_segments() -> None:
    from nmo.editing import mark_citations

    text = "冷水泡 6 小时。[^1]最好[^12]"
    start = text.index("最好")
    segments = mark_citations(highlight_segments(text, [finding(start, start + 2, "最好")]))
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.citation) for s in segments if s.citation] == [("[^1]", 1), ("[^12]", 12)]
    assert all(text[s.start:s.start + len(s.text)] == s.text for s in segments)
    assert next(s for s in segments if s.text == "最好").severity == "blocking"
