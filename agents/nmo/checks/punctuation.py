"""Punctuation and number style in Chinese text (GB/T 15834, GB/T 15835)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from nmo.schemas import Finding, Severity

_CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
# Each pattern starts with a character class (or a look-ahead for one) so `re` skips ahead quickly
# instead of trying a look-behind at every character of a long text.
_HALF_PUNCT = re.compile(rf"[,?!:;](?<=[{_CJK}][,?!:;])(?=[{_CJK}“‘「《（]|\s*$)", re.MULTILINE)
_MARK_RUN = re.compile(r"[！？!?]{2,}")
_REPEATED = re.compile(r"[！!]{2,}|[？?]{2,}|[！？!?]{3,}")
_ELLIPSIS = re.compile(rf"(?=[.。…])(?<=[{_CJK}])(?:\.{{3,}}|。{{2,}}|…(?!…))")
_DASH = re.compile(rf"(?=[-—])(?<=[{_CJK}])(?:--|—(?!—))(?=[{_CJK}])")
_FULLWIDTH_DIGITS = re.compile(r"[０-９]+")
_RANGE = re.compile(r"(\d+(?:\.\d+)?%)\s*[-~到至]\s*(\d+(?:\.\d+)?%)")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_PAIR_OR_BREAK = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "\n]")
_CODE_SPAN = re.compile(r"`[^`\n]*`|https?://\S+|\[[^\]\n]*\]\([^)\n]*\)")
Skipped = Callable[[int], bool]


def _finding(
    rule: str, severity: Severity, text: str, start: int, end: int, message: str, suggestion: str | None
) -> Finding:
    return Finding.in_text(
        text, start, end, rule_id=f"punctuation.{rule}", category="punctuation", severity=severity,
        message=message, suggestion=suggestion,
    )


def punctuation_findings(text: str) -> list[Finding]:
    """Half-width punctuation in Chinese, repeated ！！/？？, unbalanced pairs, mixed quotes, numbers."""
    starts = [m.start() for m in _CODE_SPAN.finditer(text)]
    ends = [m.end() for m in _CODE_SPAN.finditer(text)] if starts else []

    def skipped(pos: int) -> bool:
        index = bisect_right(starts, pos) - 1
        return index >= 0 and pos < ends[index]

    out: list[Finding] = []
    for m in _HALF_PUNCT.finditer(text):
        if not skipped(m.start()):
            out.append(
                _finding(
                    "half_width",
                    "warning",
                    text,
                    m.start(),
                    m.end(),
                    "中文句子中应使用全角标点",
                    _HALF_TO_FULL[m.group()],
                )
            )
    for run in _MARK_RUN.finditer(text):
        for m in _REPEATED.finditer(text, run.start(), run.end()):
            single = "！" if m.group()[0] in "！!" else "？"
            out.append(
                _finding(
                    "repeated", "warning", text, m.start(), m.end(), "重复的感叹号/问号显得不专业", single
                )
            )
    for m in _ELLIPSIS.finditer(text):
        out.append(
            _finding("ellipsis", "info", text, m.start(), m.end(), "省略号应为“……”（两个三连点）", "……")
        )
    for m in _DASH.finditer(text):
        out.append(_finding("dash", "info", text, m.start(), m.end(), "破折号应为“——”", "——"))
    for m in _FULLWIDTH_DIGITS.finditer(text):
        half = m.group().translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
        out.append(
            _finding(
                "fullwidth_digits", "warning", text, m.start(), m.end(), "数字应使用半角阿拉伯数字", half
            )
        )
    for m in _RANGE.finditer(text):
        out.append(
            _finding(
                "range",
                "info",
                text,
                m.start(),
                m.end(),
                "数值范围建议用“～”连接",
                f"{m.group(1)}～{m.group(2)}",
            )
        )
    out.extend(_unbalanced(text, skipped))
    out.extend(_mixed_quotes(text, skipped))
    return out


def _unbalanced(text: str, skipped: Skipped) -> list[Finding]:
    """Openers without closers and closers without openers, paragraph by paragraph."""
    out: list[Finding] = []
    stack: list[tuple[str, int]] = []

    def unclosed() -> None:
        for char, pos in stack:
            out.append(
                _finding(
                    "unbalanced", "warning", text, pos, pos + 1, f"“{char}”没有对应的“{_PAIRS[char]}”", None
                )
            )
        stack.clear()

    for m in _PAIR_OR_BREAK.finditer(text):
        char, pos = m.group(), m.start()
        if char == "\n":
            unclosed()
        elif skipped(pos):
            continue
        elif char in _PAIRS:
            stack.append((char, pos))
        elif stack and stack[-1][0] == _CLOSERS[char]:
            stack.pop()
        else:
            out.append(
                _finding(
                    "unbalanced", "warning", text, pos, pos + 1, f"“{char}”没有对应的“{_CLOSERS[char]}”", None
                )
            )
    unclosed()
    return out


def _mixed_quotes(text: str, skipped: Skipped) -> list[Finding]:
    """Straight ASCII quotes around Chinese text, flagged when curly quotes are used elsewhere too."""
    straight = [
        m
        for m in re.finditer(rf'"[^"\n]*[{_CJK}][^"\n]*"', text)
        if not skipped(m.start())
    ]
    if not straight:
        return []
    curly = "“" in text or "”" in text
    message = "引号混用：中文引号与英文直引号并存" if curly else "中文文本应使用中文引号“”"
    return [
        _finding(
            "quotes",
            "warning" if curly else "info",
            text,
            m.start(),
            m.end(),
            message,
            "“" + m.group()[1:-1] + "”",
        )
        for m in straight
    ]
