"""The analysis report as blocks, rendered to report.md, report.html (charts inline) and report.json."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from nmo.analyst.charts import Chart
from nmo.analyst.models import AnalysisResult, GroupKPIs, PieceRef, PostMortem
from nmo.analyst.narrative import WEEKDAYS, count, pct, signed_pct

MAX_ISSUES_SHOWN = 50


@dataclass
class Block:
    """One piece of a report: a heading, paragraph, bullet list, table or chart."""

    kind: str
    text: str = ""
    level: int = 2
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    chart: Chart | None = None


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _kpi_table(groups: list[GroupKPIs], first: str, labels: dict[str, str] | None = None) -> Block:
    headers = [
        first,
        "内容数",
        "阅读/播放",
        "互动",
        "互动率",
        "完播率",
        "点击率",
        "转化率",
        "涨粉",
        "CPM",
        "CPE",
        "CPA",
    ]
    rows = [
        [
            (labels or {}).get(g.group, g.group),
            count(g.pieces),
            count(g.views),
            count(g.engagements),
            pct(g.engagement_rate),
            pct(g.completion_rate),
            pct(g.ctr),
            pct(g.conversion_rate),
            count(g.follows),
            _money(g.cpm),
            _money(g.cpe),
            _money(g.cpa),
        ]
        for g in groups
    ]
    return Block("table", headers=headers, rows=rows)


def _piece_table(pieces: list[PieceRef]) -> Block:
    rows = [
        [
            p.title or p.post_id,
            p.pillar,
            p.format,
            p.published_at.strftime("%Y-%m-%d %H:%M") if p.published_at else "—",
            count(p.views),
            pct(p.engagement_rate),
            p.row,
        ]
        for p in pieces
    ]
    return Block(
        "table", headers=["内容", "栏目", "形式", "发布时间", "阅读/播放", "互动率", "来源行"], rows=rows
    )


def _period(result: AnalysisResult) -> str:
    """The dates the data really covers, and the --from/--to window when the user set one."""
    if result.first_published and result.last_published:
        covered = f"数据区间 {result.first_published} — {result.last_published}"
    else:
        covered = "数据区间 未知（无发布时间）"
    if result.date_from or result.date_to:
        covered += f"（筛选 {result.date_from or '不限'} — {result.date_to or '不限'}）"
    return covered


def build_blocks(
    result: AnalysisResult, charts: list[Chart], postmortem: PostMortem | None = None
) -> list[Block]:
    """The report's content, once, for every output format."""
    blocks = [
        Block("h", "内容数据分析报告", level=1),
        Block(
            "p",
            f"生成时间 {result.generated_at:%Y-%m-%d %H:%M}；{_period(result)}；"
            f"叙述来源 {result.narrative_backend}（数字均由代码计算）。",
        ),
    ]
    if postmortem is not None:
        blocks += _postmortem_blocks(postmortem)
    blocks += [Block("h", "结论"), Block("ul", items=result.narrative)]
    blocks += [
        Block("h", "总览"),
        _kpi_table(
            [result.overall, *(p.totals for p in result.platforms)],
            "平台",
            {"all": "全部", **{p.platform: p.name for p in result.platforms}},
        ),
    ]
    blocks += [Block("img", chart=c) for c in charts]
    for p in result.platforms:
        blocks += [
            Block("h", f"{p.name}（{p.platform}）"),
            Block("h", "按栏目", level=3),
            _kpi_table(p.by_pillar, "栏目"),
            Block("h", "按形式", level=3),
            _kpi_table(p.by_format, "形式"),
        ]
        if p.weeks:
            blocks += [
                Block("h", "每周趋势", level=3),
                Block(
                    "table",
                    headers=["周（周一起）", "内容数", "阅读/播放", "环比", "互动率", "互动率变化"],
                    rows=[
                        [
                            w.week_start.isoformat(),
                            count(w.pieces),
                            count(w.views),
                            signed_pct(w.views_change),
                            pct(w.engagement_rate),
                            "—"
                            if w.engagement_rate_change is None
                            else f"{w.engagement_rate_change * 100:+.1f}pp",
                        ]
                        for w in p.weeks
                    ],
                ),
            ]
        if p.weekdays or p.hours:
            slots = [
                [WEEKDAYS[int(w.slot)], count(w.pieces), pct(w.engagement_rate), count(w.mean_views)]
                for w in p.weekdays
            ]
            slots += [[h.slot, count(h.pieces), pct(h.engagement_rate), count(h.mean_views)] for h in p.hours]
            best = "、".join(p.best_hours) or "—"
            days = "、".join(WEEKDAYS[d] for d in p.best_weekdays) or "—"
            blocks += [
                Block("h", "发布时间", level=3),
                Block("p", f"最佳时段 {best}；最佳星期 {days}。"),
                Block("table", headers=["星期/时段", "内容数", "互动率", "平均阅读/播放"], rows=slots),
            ]
        if p.top:
            blocks += [
                Block("h", "表现最好", level=3),
                _piece_table(p.top),
                Block("h", "表现最差", level=3),
                _piece_table(p.bottom),
            ]
        if p.outliers:
            blocks += [
                Block("h", f"异常值（共 {p.outliers_total} 篇，列出最极端的）", level=3),
                _piece_table([o.piece for o in p.outliers]),
            ]
    blocks += _data_blocks(result)
    return blocks


def _postmortem_blocks(pm: PostMortem) -> list[Block]:
    rows = [
        [
            g.metric,
            f"{g.target:,.4g}",
            "—" if g.actual is None else f"{g.actual:,.4g}",
            pct(g.attainment, 0),
            "✅ 达成" if g.met else "❌ 未达成",
        ]
        for g in pm.goals
    ]
    return [
        Block("h", f"复盘：{pm.campaign}"),
        Block("p", f"{pm.date_from or '—'} — {pm.date_to or '—'}，{pm.pieces} 篇内容。"),
        Block("table", headers=["目标", "目标值", "实际", "完成度", "结果"], rows=rows),
        Block("h", "做得好的", level=3),
        Block("ul", items=pm.worked or ["—"]),
        Block("h", "需要改进", level=3),
        Block("ul", items=pm.change or ["—"]),
    ]


def _data_blocks(result: AnalysisResult) -> list[Block]:
    s = result.summary
    blocks = [
        Block("h", "数据说明"),
        Block(
            "p",
            f"读取 {s.rows_read} 行，使用 {s.rows_used} 行；空行 {s.empty_rows}，汇总行 {s.skipped}，"
            f"剔除 {s.rejected}"
            f"（其中重复 {s.duplicates}），排除 {s.excluded}；无发布时间 {s.no_publish_time}。",
        ),
    ]
    rows = [
        [
            f"{m.file}" + (f"[{m.sheet}]" if m.sheet else ""),
            str(m.header_row),
            m.encoding or "xlsx",
            ", ".join(f"{k}→{v}" for k, v in m.mapped.items()),
            ", ".join(m.ignored) or "—",
            "; ".join(f"{k}: {', '.join(v)}" for k, v in m.missing.items()) or "—",
        ]
        for m in s.mappings
    ]
    blocks.append(
        Block(
            "table",
            headers=["文件", "表头行", "编码", "已映射", "已忽略", "缺失（指标: 需要的列）"],
            rows=rows,
        )
    )
    if s.issue_counts:
        blocks.append(
            Block(
                "table",
                headers=["原因", "行数"],
                rows=[[k, str(v)] for k, v in sorted(s.issue_counts.items())],
            )
        )
    if s.issues:
        blocks.append(
            Block(
                "table",
                headers=["文件", "行", "处理", "原因"],
                rows=[
                    [i.file + (f"[{i.sheet}]" if i.sheet else ""), str(i.row), i.action, i.reason]
                    for i in s.issues[:MAX_ISSUES_SHOWN]
                ],
            )
        )
    if result.warnings:
        blocks += [Block("h", "提示", level=3), Block("ul", items=result.warnings)]
    return blocks


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[Block]) -> str:
    """Markdown with charts referenced by title (the HTML report embeds them)."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "h":
            out.append(f"{'#' * b.level} {b.text}\n")
        elif b.kind == "p":
            out.append(b.text + "\n")
        elif b.kind == "ul":
            out.append("\n".join(f"- {item}" for item in b.items) + "\n")
        elif b.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows)
            out.append("")
        elif b.kind == "img" and b.chart:
            out.append(f"*图表：{b.chart.title}（见 report.html）*\n")
    return "\n".join(out)


_CSS = """body{font-family:"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;
font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f5f8}
img{max-width:100%;display:block;margin:1em 0}h1{border-bottom:2px solid #3b7dd8}"""


def render_html(blocks: list[Block]) -> str:
    """A self-contained HTML page (no CDN): charts inline as base64 PNG."""
    out = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>内容数据分析报告</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for b in blocks:
        if b.kind == "h":
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif b.kind == "p":
            out.append(f"<p>{html.escape(b.text)}</p>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "img" and b.chart:
            out.append(
                f'<figure><img alt="{html.escape(b.chart.title)}" '
                f'src="data:image/png;base64,{b.chart.png_base64}"></figure>'
            )
    out.append("</body></html>")
    return "\n".join(out)


def write_report(
    result: AnalysisResult, charts: list[Chart], directory: Path, postmortem: PostMortem | None = None
) -> dict[str, Path]:
    """Write report.md, report.html and report.json into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    blocks = build_blocks(result, charts, postmortem)
    paths = {
        "md": directory / "report.md",
        "html": directory / "report.html",
        "json": directory / "report.json",
    }
    paths["md"].write_text(render_markdown(blocks), encoding="utf-8")
    paths["html"].write_text(render_html(blocks), encoding="utf-8")
    document = postmortem.model_dump_json(indent=2) if postmortem else result.model_dump_json(indent=2)
    paths["json"].write_text(document, encoding="utf-8")
    return paths
