"""Rich views shared by CLI commands: plans, drafts with highlighted findings, review queues."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nmo.registry import DraftSummary, record_version
from nmo.schemas import SEVERITY_ORDER, DraftRecord, Finding, Plan

SEVERITY_STYLE = {"blocking": "bold white on red", "warning": "black on yellow", "info": "black on cyan"}
SEVERITY_LABEL = {"blocking": "阻断", "warning": "警告", "info": "提示"}


def highlighted(text: str, findings: Sequence[Finding]) -> Text:
    """The text with every finding's span styled by severity (worst severity wins on overlap)."""
    out = Text(text)
    for finding in sorted(findings, key=lambda f: -SEVERITY_ORDER[f.severity]):
        if 0 <= finding.start < finding.end <= len(text):
            out.stylize(SEVERITY_STYLE[finding.severity], finding.start, finding.end)
    return out


def findings_table(findings: Sequence[Finding]) -> Table:
    """Findings grouped by severity with message and suggestion."""
    table = Table(show_lines=False, expand=True)
    for column in ("级别", "类别", "原文", "位置", "说明", "建议"):
        table.add_column(column, overflow="fold")
    for f in sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.start)):
        table.add_row(
            Text(SEVERITY_LABEL[f.severity], style=SEVERITY_STYLE[f.severity]),
            f.category, f.text, f"{f.start}-{f.end}", f.message, f.suggestion or "",
        )
    return table


def plan_view(plan: Plan) -> Panel:
    """A plan as a calendar: one block per item, readable in a narrow terminal."""
    blocks: list[Text] = []
    for item in plan.items:
        block = Text()
        block.append(f"{item.id}  {item.date.isoformat()} {item.slot}  ", style="bold")
        block.append(f"{item.platform} · {item.pillar} · {item.format}", style="cyan")
        if item.node:
            block.append(f" · {item.node}", style="magenta")
        block.append(f"\n  选题：{item.topic}\n  角度：{item.angle}\n  理由：{item.reason}")
        if item.citations:
            block.append(f"\n  依据：{', '.join(item.citations)}", style="dim")
        blocks.append(block)
    title = f"选题计划 {plan.id} · {plan.brief} · {plan.start} 起 {plan.days} 天 · {plan.backend}"
    return Panel(Group(*blocks), title=title, title_align="left")


def draft_panel(record: DraftRecord) -> Panel:
    """A draft with its highlighted text, findings, citations and history."""
    parts: list[Text | Table] = [highlighted(record.text, record.check.findings if record.check else [])]
    if record.check and record.check.findings:
        parts.append(findings_table(record.check.findings))
    elif record.check:
        parts.append(Text("✓ 校对与合规检查通过", style="green"))
    cited = [record.resolve(pid) for pid in (record.content.citations if record.content else [])]
    if any(cited):
        parts.append(Text("引用：\n" + "\n".join(f"  [{p.id}] {p.cite()}" for p in cited if p), style="dim"))
    history = "; ".join(f"r{r.number} {r.backend}: {r.reason}" for r in record.revisions)
    decisions = "; ".join(f"{d.action} by {d.by}" + (f" ({d.note})" if d.note else "") for d in record.decisions)
    parts.append(Text(f"修订：{history}" + (f"\n审核：{decisions}" if decisions else ""), style="dim"))
    counts = record.check.counts() if record.check else {}
    subtitle = " ".join(f"{SEVERITY_LABEL[k]} {v}" for k, v in counts.items())
    title = f"{record.draft_id} · {record.platform} · {record.topic} · {record.status} · 版本 {record_version(record)}"
    return Panel(Group(*parts), title=title, subtitle=subtitle, title_align="left")


def nmo_command() -> str:
    """How to call nmo from here: `nmo` when it is on PATH, else the path of the script that is running."""
    import os
    import shutil
    import sys

    script = sys.argv[0]
    on_path = shutil.which("nmo")
    if os.path.basename(script) != "nmo" or (on_path and os.path.samefile(on_path, script)):
        return "nmo"
    return os.path.relpath(script) if not os.path.relpath(script).startswith("..") else script


def review_commands(record: DraftRecord) -> str:
    """The exact commands a reviewer types next for a pending draft."""
    from nmo.cli.deciding import desk_has_users

    nmo = nmo_command()
    seen = f"--expected-version {record_version(record)}"  # the decision lands only on the text shown here
    # once the desk has users a decision proves who makes it with a token (NMO_TOKEN), not a typed name
    token_line = "  export NMO_TOKEN=…   # your desk token (an admin: nmo user token NAME)\n"
    prefix, who = (token_line, "") if desk_has_users() else ("", " --by REVIEWER")
    return (
        f"{prefix}"
        f"  {nmo} review show {record.draft_id}\n"
        f"  {nmo} review approve {record.draft_id}{who} {seen} [--note \"…\"]\n"
        f"  {nmo} review edit {record.draft_id} --file edited.md{who} {seen}\n"
        f"  {nmo} review reject {record.draft_id}{who} {seen} --note \"要修改的地方\""
    )


def age(since: datetime) -> str:
    """A short human age like 5m, 3h, 2d."""
    seconds = max(0, int((datetime.now() - since).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def queue_table(rows: Sequence[DraftSummary]) -> Table:
    """The review queue."""
    table = Table(title="审核队列", expand=True)
    for column in ("ID", "版本", "平台", "选题", "提交人", "状态", "阻断", "警告", "提示", "等待"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r.id, str(r.version), r.platform, r.topic, r.requested_by, r.status, str(r.blocking), str(r.warning),
            str(r.info), age(r.created_at),
        )
    return table


def print_outcome_drafts(console: Console, drafts: Sequence[DraftRecord]) -> None:
    """Every draft of a run, then the commands to act on the pending ones."""
    for record in drafts:
        console.print(draft_panel(record))
    pending = [r for r in drafts if r.status == "pending_review"]
    if pending:
        console.print("\n[bold]Next: review the drafts[/]")
        for record in pending:
            console.print(review_commands(record), markup=False)
