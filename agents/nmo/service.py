"""The one service layer over the graph, checkpointer and registry, shared by the CLI and the web app.

Runs requests, lists and shows drafts, and applies reviewer decisions with a per-thread lock so
that two reviewers acting at once get exactly one winner and a clear conflict for the other.
"""

from __future__ import annotations

import fcntl
import secrets
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from nmo.clock import Clock
from nmo.errors import ConflictError, GateFailed, LLMError, NotFoundError, UserInputError
from nmo.registry import DraftSummary, Registry, RequestSummary, record_version
from nmo.schemas import DraftRecord, Plan, PlanItem, ReviewDecision
from nmo.state import WorkflowRequest
from nmo.usage import LLMCall

if TYPE_CHECKING:
    from nmo.graph import WorkflowContext  # the graph module imports langgraph; reads must not pay for it

MAX_EDIT_CHARS = 100_000
MIN_OVERRIDE_NOTE_CHARS = 4  # an override's reason must be something a later reader can actually read
STALE_AFTER_S = 30
INTERRUPTED = "interrupted: the process running it stopped (killed or crashed)"
ProgressCallback = Callable[[str, str, dict[str, Any]], None]
DecisionObserver = Callable[[DraftRecord, ReviewDecision, DraftRecord], None]


class RunOutcome(BaseModel):
    """What a run produced: the plan (if any), its drafts, and the LLM calls its own nodes made."""

    request_id: str
    status: str
    plan: Plan | None = None
    drafts: list[DraftRecord] = Field(default_factory=list)
    usage: list[LLMCall] = Field(default_factory=list)


FOUR_EYES_ZH = "{who} 是稿件 {draft} 的提交人，按四眼原则不能自己通过。"
FOUR_EYES_FIX_ZH = "请另一位审核通过；你可以退回。"
MOVED_ZH = "稿件 {draft} 在你打开后改过了（版本 {seen} → {now}）。"
MOVED_FIX_ZH = "请刷新页面看过新内容后再决定。"
DECIDED_ZH = {"approved": "通过", "rejected": "退回", "writing": "退回重写", "failed": "失败"}


def _decided_zh(record: DraftRecord) -> str:
    """Who decided a draft and how, in Chinese (「被 lee 通过」)."""
    last = record.decisions[-1] if record.decisions else None
    how = DECIDED_ZH.get(record.status, record.status)
    return f"被 {last.by} {how}" if last else how


def visible_length(note: str) -> int:
    """Characters a reader sees: spaces, control and format characters (zero-width space, BOM …) don't count."""
    return sum(1 for char in note if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs"))


def new_request_id() -> str:
    """A short random request ID (drafts and plans derive theirs from it)."""
    return secrets.token_hex(3)


class WorkflowService:
    """Submit requests, read drafts and plans, and apply review decisions."""

    def __init__(
        self,
        graph: Any,
        registry: Registry,
        context_factory: Callable[[], WorkflowContext],
        locks_dir: Path,
        *,
        four_eyes: bool = True,
        clock: Clock | None = None,
        brand_version: Callable[[], object] | None = None,
    ) -> None:
        self.graph = graph
        self.registry = registry
        self._context_factory = context_factory
        self._context: WorkflowContext | None = None
        self._brand_version = brand_version  # changes when the brand's profile or word lists change on disk
        self._context_version: object = None
        self.locks_dir = locks_dir
        self.stale_after_s = STALE_AFTER_S
        self.four_eyes = four_eyes
        self.clock = clock or Clock()
        self.decision_observers: list[DecisionObserver] = []  # e.g. the audit log: (before, decision, after)

    @property
    def context(self) -> WorkflowContext:
        """The run dependencies, built on first need (review listing never needs them)."""
        version = self._brand_version() if self._brand_version is not None else None
        if self._context is None or version != self._context_version:
            # another process ingested or corrected the brand: runs from now on use what it wrote
            self._context, self._context_version = self._context_factory(), version
        return self._context

    def rebuild_context(self) -> None:
        """Drop the run dependencies so the next run builds them again (after the brand profile changed)."""
        self._context = None

    @contextmanager
    def _lock(self, thread_id: str) -> Iterator[None]:
        """An exclusive lock per thread, across processes (flock) and threads."""
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        with (self.locks_dir / f"{thread_id}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}}

    # ---- running -----------------------------------------------------------------------------

    def validate(self, request: WorkflowRequest) -> None:
        """Refuse a request that cannot run, before anything is stored: the one check the CLI and web share."""
        from nmo.planner import validate_plan_request
        from nmo.platforms import get_platform
        from nmo.writer import require_knowledge

        if request.kind == "plan":
            if request.plan is None:
                raise UserInputError("A plan request needs its plan parameters.",
                                     "Give the brief, the platforms and the first day.",
                                     zh_problem="选题计划请求缺少计划参数。", zh_fix="请填写需求、平台和开始日期。")
            validate_plan_request(request.plan, self.clock.today())
        elif not request.briefs:
            raise UserInputError(f"A {request.kind} request needs at least one brief.",
                                 "Give a platform and a topic (or plan item IDs).",
                                 zh_problem="请求里没有要写的稿件。", zh_fix="请至少选一个平台并填写选题。")
        for brief in request.briefs:
            get_platform(brief.platform)
            if request.kind == "adapt" and not brief.source_text.strip():
                raise UserInputError("An adaptation needs the original piece.", "Give the text to adapt.",
                                     zh_problem="改写需要原文。", zh_fix="请把要改写的原文粘贴到「原文」里。")
        if self.context.knowledge is not None:
            require_knowledge(self.context.knowledge)

    def submit(self, request: WorkflowRequest, on_progress: ProgressCallback | None = None) -> RunOutcome:
        """Check a request, then run it until every draft waits for review (or the run ends)."""
        self.validate(request)
        self.registry.save_request(request.id, request.kind, request.requested_by, "running")
        return self._run(request.id, {"request": request}, on_progress)

    def resume_request(self, request_id: str, on_progress: ProgressCallback | None = None) -> RunOutcome:
        """Continue a request whose run failed or was killed (the process died) from its last checkpoint."""
        summary = self.check_resumable(request_id)
        if summary.status == "running":
            self.registry.save_request(request_id, summary.kind, summary.requested_by, "failed", INTERRUPTED)
        return self._run(request_id, None, on_progress)

    def check_resumable(self, request_id: str) -> RequestSummary:
        """The request, when it can be resumed: it failed, or it says running but its process is gone."""
        summary = self.registry.get_request(request_id)
        if summary is None:
            raise NotFoundError(f"No request '{request_id}'.", "See `nmo review list` for existing drafts.",
                                zh_problem=f"没有编号为 {request_id} 的请求。", zh_fix="请在运营页的最近请求里选择。")
        if summary.status == "failed" or self._abandoned(summary):
            return summary
        if summary.status == "running":
            raise ConflictError(f"Request {request_id} is still running.",
                                "Wait for it to finish; a run whose process was killed can be resumed "
                                f"{self.stale_after_s} s after its last step.",
                                zh_problem=f"请求 {request_id} 仍在运行。",
                                zh_fix="请等它结束；运行它的进程中断后，稍等片刻即可继续。")
        raise ConflictError(f"Request {request_id} is {summary.status}, not failed.", "Nothing to resume.",
                            zh_problem=f"请求 {request_id} 没有失败，不需要继续。", zh_fix="刷新页面查看它的状态。")

    def _abandoned(self, summary: RequestSummary) -> bool:
        """A 'running' request whose process is gone: a live run always holds the request's lock."""
        if summary.status != "running":
            return False
        if (datetime.now() - summary.updated_at.replace(tzinfo=None)).total_seconds() < self.stale_after_s:
            return False  # just submitted: its run may not have taken the lock yet
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        with (self.locks_dir / f"{summary.id}.lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle, fcntl.LOCK_UN)
            return True

    def _run(
        self, request_id: str, payload: Any, on_progress: ProgressCallback | None
    ) -> RunOutcome:
        config = self._config(request_id)
        summary = self.registry.get_request(request_id)
        kind = summary.kind if summary else "draft"
        by = summary.requested_by if summary else "unknown"
        with self._lock(request_id):
            try:
                self._stream(payload, config, on_progress)
            except LLMError as error:
                self._end_failed(request_id, kind, by, str(error))
                error.fix = (error.fix + f" Then run `nmo resume {request_id}` to continue where it stopped.")
                error.zh_fix = f"{error.in_chinese()[1]}模型服务恢复后，可从中断处继续这个请求（{request_id}）。"
                raise
            except (Exception, KeyboardInterrupt) as error:  # whatever stopped the run, the request ends failed
                self._end_failed(request_id, kind, by, str(error) or type(error).__name__)
                raise
            outcome = self.sync(request_id)
            self.registry.save_request(request_id, kind, by, outcome.status)  # under the lock: see _abandoned
        return outcome

    def _end_failed(self, request_id: str, kind: str, by: str, error: str) -> None:
        """Mark a stopped run failed with its error, keeping the drafts it had already made."""
        try:
            self.sync(request_id)
        finally:
            self.registry.save_request(request_id, kind, by, "failed", error)

    def _stream(self, payload: Any, config: dict[str, Any], on_progress: ProgressCallback | None) -> None:
        """Run the graph, reporting each node's update (namespace, node, update) as it happens."""
        for namespace, update in self.graph.stream(
            payload, config, context=self.context, stream_mode="updates", subgraphs=True
        ):
            if on_progress is None:
                continue
            for node, value in update.items():
                on_progress("/".join(namespace), node, value if isinstance(value, dict) else {})

    def sync(self, request_id: str) -> RunOutcome:
        """Project the thread's checkpointed state into the registry and return it."""
        state = self.graph.get_state(self._config(request_id), subgraphs=True)
        values = state.values or {}
        pending = [DraftRecord.model_validate(i.value) for i in state.interrupts if isinstance(i.value, dict)]
        finished: dict[str, DraftRecord] = dict(values.get("drafts", {}))
        plan: Plan | None = values.get("plan")
        if plan is not None:
            self.registry.save_plan(plan, request_id)
        drafts = sorted([*pending, *finished.values()], key=lambda r: r.draft_id)
        for record in drafts:
            self.registry.save_draft(record)
        status = "pending_review" if pending else "done"
        # Drafts still in their branch (waiting for review) have not handed their usage to the request yet.
        usage = list(values.get("usage", []))
        for task in state.tasks:
            if task.state is not None and not isinstance(task.state, dict):
                usage.extend(task.state.values.get("usage", []))
        return RunOutcome(request_id=request_id, status=status, plan=plan, drafts=drafts, usage=usage)

    # ---- reading -----------------------------------------------------------------------------

    def list_drafts(self, status: str | None = None, request_id: str | None = None) -> list[DraftSummary]:
        """The review queue (status=pending_review) or any drafts."""
        return self.registry.list_drafts(status=status, request_id=request_id)

    def get_draft(self, draft_id: str) -> DraftRecord:
        """One draft with its text, findings, history and decisions."""
        record = self.registry.get_draft(draft_id)
        if record is None:
            raise NotFoundError(
                f"No draft with ID '{draft_id}'.", "Run `nmo review list` to see the IDs of existing drafts.",
                zh_problem=f"没有编号为 {draft_id} 的稿件。", zh_fix="请回到审核队列选择稿件。",
            )
        return record

    def get_plan(self, plan_id: str) -> Plan:
        """A stored plan."""
        plan = self.registry.get_plan(plan_id)
        if plan is None:
            raise NotFoundError(f"No plan with ID '{plan_id}'.", "Run `nmo plan list` to see stored plans.",
                                zh_problem=f"没有编号为 {plan_id} 的选题计划。",
                                zh_fix="请在运营页的最近请求里打开计划。")
        return plan

    def list_plans(self, limit: int = 20) -> list[Plan]:
        """Stored plans, newest first."""
        return self.registry.list_plans(limit=limit)

    def find_plan_item(self, item_id: str) -> tuple[Plan, PlanItem]:
        """A plan item by its ID (plan ID + '-' + number)."""
        from nmo.planner import find_plan_item

        plan = self.get_plan(item_id.rsplit("-", 1)[0])
        return plan, find_plan_item(plan, item_id)

    # ---- deciding ----------------------------------------------------------------------------

    def decide(
        self,
        draft_id: str,
        decision: ReviewDecision,
        *,
        expected_version: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> DraftRecord:
        """Apply a reviewer's decision to a draft waiting in review; returns the draft afterwards.

        Raises ConflictError when the draft is not pending (already decided) or changed since
        `expected_version`; GateFailed when approving open blocking findings without a note.
        """
        record = self.get_draft(draft_id)
        self._validate(record, decision)
        with self._lock(record.request_id):
            config = self._config(record.request_id)
            state = self.graph.get_state(config)
            pending = next(
                (i for i in state.interrupts if isinstance(i.value, dict) and i.value.get("draft_id") == draft_id),
                None,
            )
            if pending is None:
                # The checkpoint may be ahead of the registry (a process killed between the two writes):
                # project it first, so the answer says what really happened to the draft.
                self.sync(record.request_id)
            current = DraftRecord.model_validate(pending.value) if pending else self.get_draft(draft_id)
            if pending is None:
                last = current.decisions[-1] if current.decisions else None
                who = f" by {last.by} at {last.at:%Y-%m-%d %H:%M}" if last else ""
                raise ConflictError(
                    f"Draft {draft_id} is {current.status}{who}; it is not waiting for review.",
                    "Run `nmo review show " + draft_id + "` to see its current state.",
                    zh_problem=f"稿件 {draft_id} 已经{_decided_zh(current)}，不在等待审核。",
                    zh_fix="请刷新页面查看当前状态。",
                )
            if expected_version is not None and record_version(current) != expected_version:
                raise ConflictError(
                    f"Draft {draft_id} changed since you loaded it (version {expected_version}, "
                    f"now {record_version(current)}).",
                    f"Look at it again (`nmo review show {draft_id}` shows its version; the web page reloads it) "
                    "and decide on what it says now.",
                    zh_problem=MOVED_ZH.format(draft=draft_id, seen=expected_version, now=record_version(current)),
                    zh_fix=MOVED_FIX_ZH,
                )
            self._validate(current, decision)
            from langgraph.types import Command

            self._stream(Command(resume={pending.id: decision.model_dump(mode="json")}), config, on_progress)
            self.sync(record.request_id)
            after = self.get_draft(draft_id)
            for observer in self.decision_observers:
                observer(current, decision, after)
        return after

    def reconcile(self) -> list[str]:
        """Bring the registry in line with the checkpoints for drafts it shows waiting for review (a process
        killed between the checkpoint write and the registry write leaves them behind); returns the IDs
        of drafts whose status changed. Idempotent; run at start."""
        changed: list[str] = []
        for request_id in sorted({d.request_id for d in self.registry.list_drafts(status="pending_review")}):
            before = {d.id: d.status for d in self.registry.list_drafts(request_id=request_id)}
            self.sync(request_id)
            after = {d.id: d.status for d in self.registry.list_drafts(request_id=request_id)}
            changed += [draft for draft, status in after.items() if before.get(draft) != status]
        return changed

    def _validate(self, record: DraftRecord, decision: ReviewDecision) -> None:
        if record.status != "pending_review":
            last = record.decisions[-1] if record.decisions else None
            who = f" by {last.by}" if last else ""
            raise ConflictError(
                f"Draft {record.draft_id} is already {record.status}{who}.",
                f"Nothing to do; `nmo review show {record.draft_id}` shows it.",
                zh_problem=f"稿件 {record.draft_id} 已经{_decided_zh(record)}。",
                zh_fix="无需再处理；刷新页面可看当前状态。",
            )
        if self.four_eyes and decision.action in ("approve", "edit") and decision.by == record.requested_by:
            raise ConflictError(
                f"{decision.by} requested draft {record.draft_id} and cannot also approve it (four-eyes rule).",
                "Ask another reviewer, or an admin can set NMO_FOUR_EYES=false.",
                zh_problem=FOUR_EYES_ZH.format(who=decision.by, draft=record.draft_id), zh_fix=FOUR_EYES_FIX_ZH,
            )
        if decision.action == "reject" and not visible_length(decision.note):
            raise UserInputError(
                "A rejection needs a note telling the writer what to change.", 'Add --note "…".',
                zh_problem="退回需要写明修改意见。", zh_fix="请在备注里告诉写作者要改什么。",
            )
        if decision.action == "edit":
            text = (decision.text or "").strip()
            if not text:
                raise UserInputError("The edited text is empty.", "Pass a file with the full edited draft.",
                                     zh_problem="修改后的正文是空的。", zh_fix="请填入完整的修改稿。")
            if len(text) > MAX_EDIT_CHARS:
                raise UserInputError(
                    f"The edited text has {len(text):,} characters; the limit is {MAX_EDIT_CHARS:,}.",
                    "Check that you passed the right file.",
                    zh_problem=f"修改稿有 {len(text):,} 字，超过了 {MAX_EDIT_CHARS:,} 字的上限。",
                    zh_fix="请确认填入的是这篇稿件。",
                )
        if (decision.action == "approve" and record.check and not record.check.passed
                and visible_length(decision.note) < MIN_OVERRIDE_NOTE_CHARS):
            blocking = record.check.counts()["blocking"]
            raise GateFailed(
                f"Draft {record.draft_id} still has {blocking} blocking finding(s).",
                "Fix them with `nmo review edit`, send it back with `nmo review reject`, or approve with "
                f'--note "why this is acceptable" (at least {MIN_OVERRIDE_NOTE_CHARS} visible characters) to '
                "record an override.",
                zh_problem=f"稿件 {record.draft_id} 还有 {blocking} 个阻断问题。",
                zh_fix=f"请先修改或退回；确需放行时，在备注里写明理由（至少 {MIN_OVERRIDE_NOTE_CHARS} 个字）再按通过，"
                       "会记录为例外放行。",
            )
