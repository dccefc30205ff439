"""The narrative of a report, written from computed results only, and the check that enforces it.

Every number in a narrative line must be one of the computed figures (at the precision shown), so neither
the offline template nor an LLM can state a number the code did not compute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from nmo.analyst.kpis import OUTLIER_SCORE
from nmo.analyst.models import AnalysisResult, PlatformAnalysis

if TYPE_CHECKING:
    from nmo.ports import StructuredLLM
    from nmo.prompts import PromptLibrary

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_TOKEN = re.compile(r"(?<![\w.])([-+]?\d[\d,]*(?:\.\d+)?)\s*(%|个百分点|万)?")


class NarrativeDraft(BaseModel):
    """What an LLM narrator returns: short lines of findings in Chinese."""

    lines: list[str] = Field(description="3–8 short findings, each citing only numbers from the figures")


def pct(value: float | None, digits: int = 1) -> str:
    """0.07625 → '7.6%'; None → '—'."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def signed_pct(value: float | None, digits: int = 1) -> str:
    """A relative change with its sign: 0.651 → '+65.1%'; None → '—'."""
    return "—" if value is None else f"{value * 100:+.{digits}f}%"


def count(value: float | None) -> str:
    """121816673 → '121,816,673'; None → '—'."""
    return "—" if value is None else f"{value:,.0f}"


def points(value: float | None) -> str:
    """A change of rates as signed percentage points: 0.0031 → '+0.3个百分点'."""
    return "—" if value is None else f"{value * 100:+.1f}个百分点"


def _platform_lines(p: PlatformAnalysis) -> Iterator[str]:
    t = p.totals
    line = f"{p.name}：{count(t.pieces)} 篇内容，总阅读/播放 {count(t.views)}"
    if t.engagement_rate is not None:
        line += f"，互动率 {pct(t.engagement_rate)}"
    if t.ctr is not None:
        line += f"，点击率 {pct(t.ctr)}"
    if t.completion_rate is not None:
        line += f"，完播率 {pct(t.completion_rate)}"
    yield line + "。"
    if p.best_pillars:
        best = next(k for k in p.by_pillar if k.group == p.best_pillars[0])
        yield (
            f"{p.name}互动率最高的栏目是「{best.group}」"
            f"（{pct(best.engagement_rate)}，{count(best.pieces)} 篇）。"
        )
    if p.best_hours or p.best_weekdays:
        hours = "、".join(p.best_hours) or "—"
        days = "、".join(WEEKDAYS[d] for d in p.best_weekdays) or "—"
        yield f"{p.name}建议发布时段：{hours}；表现最好的星期：{days}。"
    if len(p.weeks) >= 2:
        last = p.weeks[-1]
        if last.views_change is not None:
            yield (
                f"{p.name}最近一周（{last.week_start.isoformat()} 起）"
                f"阅读/播放环比 {signed_pct(last.views_change)}"
                + (
                    f"，互动率变化 {points(last.engagement_rate_change)}"
                    if last.engagement_rate_change is not None
                    else ""
                )
                + "。"
            )
    if p.outliers_total:
        yield (
            f"{p.name}有 {count(p.outliers_total)} 篇互动率异常的内容"
            f"（稳健 z 分数超过 {OUTLIER_SCORE}），值得单独复盘。"
        )


def template_narrative(result: AnalysisResult) -> list[str]:
    """The offline narrative: short Chinese findings built from the computed results."""
    o = result.overall
    s = result.summary
    lines = [
        f"共分析 {count(s.rows_used)} 篇内容（读取 {count(s.rows_read)} 行，剔除 {count(s.rejected)} 行，"
        f"排除 {count(s.excluded)} 行，空行 {count(s.empty_rows)} 行，汇总行 {count(s.skipped)} 行）。"
    ]
    if o.engagement_rate is not None:
        lines.append(f"整体互动率 {pct(o.engagement_rate)}，总互动 {count(o.engagements)}。")
    if o.cpm is not None or o.cpa is not None:
        money = [
            f"CPM {o.cpm:.2f} 元" if o.cpm is not None else "",
            f"CPE {o.cpe:.2f} 元" if o.cpe else "",
            f"CPA {o.cpa:.2f} 元" if o.cpa is not None else "",
        ]
        lines.append("投放成本：" + "，".join(m for m in money if m) + "。")
    for platform in result.platforms:
        lines.extend(_platform_lines(platform))
    return lines


def _walk(value: Any, numbers: list[float], strings: list[str]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        numbers.append(float(value))
    elif isinstance(value, str):
        try:
            numbers.append(float(value))
        except ValueError:
            if any(ch.isdigit() for ch in value):
                strings.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, numbers, strings)
    elif isinstance(value, list):
        for item in value:
            _walk(item, numbers, strings)


def unsupported_numbers(
    lines: Sequence[str], result: AnalysisResult, extra: Sequence[float] = ()
) -> list[str]:
    """Every number in the narrative that is not a computed figure at the precision shown (empty = valid)."""
    numbers: list[float] = list(extra)
    strings: list[str] = []
    _walk(result.model_dump(mode="json", exclude={"narrative", "narrative_backend"}), numbers, strings)
    numbers.append(OUTLIER_SCORE)
    strings.sort(key=len, reverse=True)
    problems: list[str] = []
    for line in lines:
        text = line
        for value in strings:
            if value in text:
                text = re.sub(rf"(?<![\d.,]){re.escape(value)}(?![\d.,])", " ", text)
        for match in _TOKEN.finditer(text):
            token, unit = match.group(1), match.group(2)
            if not _supported(token, unit, numbers):
                problems.append(f"'{match.group(0).strip()}' in: {line}")
    return problems


def _supported(token: str, unit: str | None, numbers: list[float]) -> bool:
    shown = float(token.replace(",", ""))
    decimals = len(token.split(".")[1]) if "." in token else 0
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    scale = 100.0 if unit in ("%", "个百分点") else 1e-4 if unit == "万" else 1.0
    return any(abs(n * scale - shown) <= tolerance for n in numbers)


def llm_narrative(
    result: AnalysisResult, llm: StructuredLLM, prompts: PromptLibrary | None = None
) -> list[str] | None:
    """Ask an LLM for the findings; None when its text states a number that was not computed."""
    from nmo.prompts import PromptLibrary

    figures = result.model_dump(
        mode="json", include={"overall", "summary", "platforms"}, exclude={"summary": {"issues", "mappings"}}
    )
    library = prompts or PromptLibrary.load()
    messages = library.get("analyst", "narrative").render(figures=json.dumps(figures, ensure_ascii=False)[:20000])
    draft = llm.generate(messages, NarrativeDraft).value
    if unsupported_numbers(draft.lines, result):
        return None
    return draft.lines


def write_narrative(result: AnalysisResult, llm: StructuredLLM | None = None) -> AnalysisResult:
    """Fill result.narrative: the LLM's lines when given and valid, else the offline template."""
    lines = llm_narrative(result, llm) if llm is not None else None
    if lines is None:
        if llm is not None:
            result.warnings.append("LLM narrative cited numbers that were not computed; used the template.")
        lines = template_narrative(result)
        backend = "offline"
    else:
        backend = llm.backend_name if llm is not None else "offline"
    problems = unsupported_numbers(lines, result)
    if problems:
        raise AssertionError(f"narrative states numbers that were not computed: {problems[:3]}")
    result.narrative = lines
    result.narrative_backend = backend
    return result
