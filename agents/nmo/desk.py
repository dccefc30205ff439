"""The review desk: what the web pages and REST API do, over the one WorkflowService.

It adds people to the workflow: role checks, the four-eyes rule, idempotent approvals, conflict answers
that carry the draft's current state, suggestions applied as edits, exports, and the audit trail.
Route handlers only translate HTTP to these calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from nmo.audit import MAX_NOTE_CHARS, AuditEntry, AuditLog
from nmo.brand.profile import BrandProfile
from nmo.brand.store import CORRECTIONS, BrandStore
from nmo.brand.view import CorrectionChanges, ProfileView, import_with_changes, profile_view
from nmo.editing import (
    DiffOp,
    Segment,
    apply_suggestion,
    highlight_segments,
    mark_citations,
    replacement_for,
    revision_diff,
)
from nmo.errors import ConflictError, NotFoundError, StorageError, UserInputError
from nmo.exports import Export, ExportFormat, export_draft
from nmo.graph import NODE_LABELS
from nmo.platforms import get_platform
from nmo.registry import DraftSummary, RequestSummary, record_version
from nmo.schemas import DraftBrief, DraftRecord, Finding, Passage, Plan, PlanRequest, ReviewDecision, text_hash
from nmo.service import (
    FOUR_EYES_FIX_ZH,
    FOUR_EYES_ZH,
    MAX_EDIT_CHARS,
    MOVED_FIX_ZH,
    MOVED_ZH,
    ProgressCallback,
    RunOutcome,
    WorkflowService,
    new_request_id,
)
from nmo.state import WorkflowRequest
from nmo.users import AuthenticationError, PermissionDenied, User, UserStore

SUBMITTED_CORRECTIONS = "The submitted corrections.yaml"  # how errors name YAML that came from the page or API


class StaleDecision(ConflictError):
    """A decision that lost a race or came from an outdated page; carries the draft as it is now."""

    def __init__(self, problem: str, fix: str, current: DraftRecord, *, zh_problem: str = "", zh_fix: str = "") -> None:
        super().__init__(problem, fix, zh_problem=zh_problem, zh_fix=zh_fix)
        self.current = current


class DecisionInput(BaseModel):
    """A reviewer's action as the API receives it (the reviewer's name comes from their token)."""

    action: Literal["approve", "edit", "reject"]
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    text: str | None = Field(default=None, max_length=MAX_EDIT_CHARS)
    expected_version: int = Field(ge=0, description="The version the reviewer saw; a decision on any other fails.")
    then_approve: bool = Field(
        default=True, description="For an edit: approve when nothing blocking remains (false: back to review)."
    )


class SubmitInput(BaseModel):
    """An operator's request: a plan (optionally drafting its first items), drafts, or an adaptation."""

    kind: Literal["plan", "draft", "adapt"]
    plan: PlanRequest | None = None
    draft_first: int = Field(default=0, ge=0, le=20)
    briefs: list[DraftBrief] = Field(default_factory=list, max_length=20)
    plan_items: list[str] = Field(
        default_factory=list, max_length=20, description="For kind=draft: plan item IDs to draft (e.g. P1a2b3c-03)."
    )


class FindingView(BaseModel):
    """A finding with its index (what apply-suggestion takes) and what one click would put in its place."""

    index: int
    finding: Finding
    replacement: str | None = Field(description="Text apply-suggestion inserts ('' deletes); null = advice only.")


class CitedPassage(BaseModel):
    """A passage the draft rests on; `number` is its `[^n]` marker in the text (None when not cited by number)."""

    number: int | None
    passage: Passage


class DraftView(BaseModel):
    """A draft as the review page shows it: the record, its version, highlight segments and findings."""

    draft: DraftRecord
    version: int
    segments: list[Segment]
    findings: list[FindingView]
    whole_draft: list[FindingView] = Field(
        default_factory=list,
        description="整篇: findings about the whole draft (a missing part, the length), shown above the text.",
    )
    cited: list[CitedPassage]
    exportable: bool


class BrandPage(BaseModel):
    """The admin page's brand section: the profile as read, the YAML to correct, and any problem with it."""

    view: ProfileView
    corrections: str
    problem: str = ""


class RequestView(BaseModel):
    """A submitted request with its drafts and their review status."""

    request: RequestSummary
    drafts: list[DraftSummary]


def draft_view(record: DraftRecord) -> DraftView:
    """Everything the review page needs about one draft."""
    findings = list(record.check.findings) if record.check else []
    citations = record.content.citations if record.content else []
    cited = [
        CitedPassage(number=number, passage=passage)
        for number, passage in enumerate((record.resolve(c) for c in citations), start=1)
        if passage is not None
    ] or [CitedPassage(number=None, passage=p) for p in record.passages]
    views = [FindingView(index=i, finding=f, replacement=replacement_for(f)) for i, f in enumerate(findings)]
    # A finding with no text to point at is listed as 整篇 rather than marked as an empty highlight.
    marked = [f.model_copy(update={"start": 0, "end": 0}) if f.whole_draft else f for f in findings]
    return DraftView(
        draft=record,
        version=record_version(record),
        segments=mark_citations(highlight_segments(record.text, marked)),
        findings=views,
        whole_draft=[view for view in views if view.finding.whole_draft],
        cited=cited,
        exportable=record.status == "approved",
    )


class ReviewDesk:
    """Role-checked review and operator actions over the workflow service, recorded in the audit log."""

    def __init__(
        self, service: WorkflowService, users: UserStore, audit: AuditLog, brand: BrandStore | None = None
    ) -> None:
        self.service = service
        self.users = users
        self.audit = audit
        self.brand = brand
        audit.attach(service)

    @property
    def four_eyes(self) -> bool:
        """Whether requesters are barred from approving their own drafts (NMO_FOUR_EYES)."""
        return self.service.four_eyes

    # ---- reading -------------------------------------------------------------------------------

    def drafts(self, user: User, status: str | None = None, request_id: str | None = None) -> list[DraftSummary]:
        """Drafts, oldest first; status=pending_review is the review queue."""
        user.require("read")
        return self.service.list_drafts(status=status, request_id=request_id)

    def draft(self, user: User, draft_id: str) -> DraftView:
        """One draft with highlights, findings and its cited passages."""
        user.require("read")
        return draft_view(self.service.get_draft(draft_id))

    def next_pending(self, user: User, after: str | None = None) -> str | None:
        """The draft to review after `after` (wrapping round the queue), skipping drafts the user may not approve."""
        queue = [d for d in self.drafts(user, status="pending_review") if d.id != after]
        if self.four_eyes:
            queue = [d for d in queue if d.requested_by != user.name] or queue
        later = [d for d in queue if after is None or d.id > after]
        pick = (later or queue)[:1]
        return pick[0].id if pick else None

    def diff(self, user: User, draft_id: str, old: int | None = None, new: int | None = None) -> list[DiffOp]:
        """The diff between two revisions (default: the previous and the latest)."""
        user.require("read")
        record = self.service.get_draft(draft_id)
        last = len(record.revisions)
        return revision_diff(record, old if old is not None else max(1, last - 1), new if new is not None else last)

    def passage(self, user: User, draft_id: str, passage_id: str) -> Passage:
        """A passage the draft rests on, resolved to its source."""
        user.require("read")
        found = self.service.get_draft(draft_id).resolve(passage_id)
        if found is None:
            raise NotFoundError(
                f"Draft {draft_id} cites no passage '{passage_id}'.", "The draft view lists the passages it cites.",
                zh_problem=f"稿件 {draft_id} 没有引用 {passage_id}。", zh_fix="稿件页列出了它引用的资料。",
            )
        return found

    def export(self, user: User, draft_id: str, fmt: ExportFormat) -> Export:
        """An approved draft as WeChat HTML, Markdown or plain text."""
        user.require("read")
        return export_draft(self.service.get_draft(draft_id), fmt)

    def requests(self, user: User, limit: int = 50) -> list[RequestSummary]:
        """Recent requests, newest first."""
        user.require("read")
        return self.service.registry.list_requests(limit=limit)

    def request(self, user: User, request_id: str) -> RequestView:
        """One request with its drafts."""
        user.require("read")
        summary = self.service.registry.get_request(request_id)
        if summary is None:
            raise NotFoundError(f"No request '{request_id}'.", "The operator page lists recent requests.",
                                zh_problem=f"没有编号为 {request_id} 的请求。", zh_fix="请在运营页的最近请求里选择。")
        return RequestView(request=summary, drafts=self.service.list_drafts(request_id=request_id))

    def plan(self, user: User, plan_id: str) -> Plan:
        """A stored plan."""
        user.require("read")
        return self.service.get_plan(plan_id)

    def audit_entries(
        self, user: User, *, draft_id: str | None = None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """The audit log, newest first (admins only)."""
        user.require("admin")
        return self.audit.entries(draft_id=draft_id, actor=actor, limit=limit)

    def login(self, token: str) -> User:
        """The user a token belongs to; 401 otherwise."""
        user = self.users.authenticate(token)
        if user is None:
            raise AuthenticationError("This token belongs to nobody.", "Check it, or ask an admin for a new one.")
        return user

    def list_users(self, user: User) -> list[User]:
        """All users (admins only)."""
        user.require("admin")
        return self.users.list_users()

    def add_user(self, user: User, name: str, role: str) -> tuple[User, str]:
        """Create a user (admins only); returns the token, shown once. The creation is audited."""
        user.require("admin")
        created, token = self.users.add(name, role)
        self.audit.append(user.name, "user_add", note=f"{created.name} as {created.role}")
        return created, token

    # ---- the brand profile ---------------------------------------------------------------------

    def _brand_store(self) -> BrandStore:
        if self.brand is None:
            raise StorageError("This desk was started without the brand's data folder.",
                               "Start it with `nmo serve`, which opens the brand of NMO_COLLECTION.",
                               zh_problem="审核台启动时没有打开品牌档案。",
                               zh_fix="请管理员用 nmo serve 重新启动审核台。")
        return self.brand

    def brand_profile(self, user: User) -> BrandProfile:
        """What nmo understood about the brand, with the team's corrections applied."""
        user.require("read")
        return self._brand_store().profile()

    def brand_page(self, user: User) -> BrandPage:
        """What the admin page shows (admins only): the profile and the YAML to correct it, or, when the kept
        corrections no longer read (edited by hand, an older format), why, with their text to fix."""
        user.require("admin")
        store = self._brand_store()
        try:
            return BrandPage(view=profile_view(store.profile()), corrections=store.export_text())
        except UserInputError as error:
            return BrandPage(view=profile_view(store.extracted().with_missing()),
                             corrections=(store.folder / CORRECTIONS).read_text("utf-8", errors="replace"),
                             problem=f"团队更正文件读不出来，现在只用自动提取的结果：{error.problem}")

    def correct_brand(self, user: User, text: str) -> CorrectionChanges:
        """Keep the team's corrections YAML (admins only), audited; an invalid one changes nothing."""
        user.require("admin")
        store = self._brand_store()
        try:
            changes = import_with_changes(store, lambda: store.import_corrections_text(text, SUBMITTED_CORRECTIONS))
        except UserInputError as error:
            raise UserInputError(
                error.problem, error.fix,
                zh_problem=f"品牌档案的更正有误，没有保存：{error.problem}",
                zh_fix="请按提示改正 YAML 后再保存；字段名以页面上导出的档案为准，日期写成 YYYY-MM-DD。",
            ) from None
        self.audit.append(user.name, "brand_correct", hash_after=text_hash(text), note=changes.summary())
        self.service.rebuild_context()  # the gate, planner and writer read the corrected profile from now on
        return changes

    # ---- acting --------------------------------------------------------------------------------

    def decide(self, user: User, draft_id: str, decision: DecisionInput) -> DraftView:
        """Approve, edit (then approve) or reject a draft; exactly one of two racing decisions wins.

        A retried approval that already went through returns the approved draft; any other decision
        on a draft that moved on raises StaleDecision carrying the draft as it is now.
        """
        user.require("review")
        record = self.service.get_draft(draft_id)
        if self.four_eyes and decision.action in ("approve", "edit") and record.requested_by == user.name:
            raise PermissionDenied(
                f"{user.name} requested draft {draft_id} and cannot also approve it (four-eyes rule).",
                "Ask another reviewer; an admin can relax the rule with NMO_FOUR_EYES=false.",
                zh_problem=FOUR_EYES_ZH.format(who=user.name, draft=draft_id), zh_fix=FOUR_EYES_FIX_ZH,
            )
        review = ReviewDecision(
            action=decision.action, by=user.name, note=decision.note.strip(), text=decision.text,
            then_approve=decision.then_approve,
        )
        try:
            after = self.service.decide(draft_id, review, expected_version=decision.expected_version)
        except ConflictError as error:
            current = self.service.get_draft(draft_id)
            last = current.decisions[-1] if current.decisions else None
            if (
                decision.action == "approve" and current.status == "approved"
                and last is not None and last.action == "approve" and last.by == user.name
            ):
                return draft_view(current)
            raise StaleDecision(error.problem, error.fix, current,
                                zh_problem=error.zh_problem, zh_fix=error.zh_fix) from error
        return draft_view(after)

    def apply_suggestion(
        self, user: User, draft_id: str, index: int, expected_version: int
    ) -> DraftView:
        """Replace one finding's span with its suggestion, as an edit that the gate re-checks.

        The draft comes back to review with the new text and its new findings; approving stays a
        separate, deliberate action.
        """
        user.require("review")
        record = self.service.get_draft(draft_id)
        if record_version(record) != expected_version:
            raise StaleDecision(
                f"Draft {draft_id} changed since you loaded it (version {expected_version}, "
                f"now {record_version(record)}).",
                "Reload the draft and decide again.",
                record,
                zh_problem=MOVED_ZH.format(draft=draft_id, seen=expected_version, now=record_version(record)),
                zh_fix=MOVED_FIX_ZH,
            )
        text = apply_suggestion(record, index)
        finding = record.check.findings[index] if record.check else None
        note = ""
        if finding is not None:
            note = f"采纳建议：{finding.text} → {replacement_for(finding) or '（删除）'}（{finding.rule_id}）"
        return self.decide(
            user, draft_id,
            DecisionInput(
                action="edit", text=text, note=note, expected_version=record_version(record), then_approve=False
            ),
        )

    def accept(self, user: User, submitted: SubmitInput) -> WorkflowRequest:
        """Check a submission, record it (audit log, and the request index as running) and return it to run."""
        request = self._build_request(user, submitted)
        self.service.validate(request)
        self.audit.append(user.name, "submit", request_id=request.id, note=describe_request(request))
        self.service.registry.save_request(request.id, request.kind, request.requested_by, "running")
        return request

    def _build_request(self, user: User, submitted: SubmitInput) -> WorkflowRequest:
        user.require("submit")
        if submitted.kind == "plan":
            if submitted.plan is None:
                raise UserInputError("A plan request needs its plan parameters.", "Send `plan` with brief, "
                                     "platforms and start.",
                                     zh_problem="选题计划请求缺少计划参数。", zh_fix="请填写需求、平台和开始日期。")
            plan = submitted.plan.model_copy(
                update={"platforms": [get_platform(p).key for p in submitted.plan.platforms]}
            )
            return WorkflowRequest(id=new_request_id(), kind="plan", requested_by=user.name, plan=plan,
                                   draft_first=submitted.draft_first)
        from nmo.planner import brief_from_plan_item

        briefs = [b.model_copy(update={"platform": get_platform(b.platform).key}) for b in submitted.briefs]
        for item_id in submitted.plan_items if submitted.kind == "draft" else []:
            stored_plan, _ = self.service.find_plan_item(item_id)
            briefs.append(brief_from_plan_item(stored_plan, item_id))
        return WorkflowRequest(id=new_request_id(), kind=submitted.kind, requested_by=user.name, briefs=briefs)

    def run(self, request: WorkflowRequest, on_progress: ProgressCallback | None = None) -> RunOutcome:
        """Run an accepted request until its drafts wait for review."""
        return self.service.submit(request, on_progress)

    def check_resumable(self, user: User, request_id: str) -> None:
        """Refuse, before any work starts, to resume a request that did not fail."""
        user.require("submit")
        self.service.check_resumable(request_id)

    def resume(self, user: User, request_id: str, on_progress: ProgressCallback | None = None) -> RunOutcome:
        """Continue a failed run from its last checkpoint."""
        user.require("submit")
        self.audit.append(user.name, "resume", request_id=request_id)
        return self.service.resume_request(request_id, on_progress)


def describe_request(request: WorkflowRequest) -> str:
    """A one-line summary of a request for the audit log and progress page."""
    if request.plan is not None:
        plan = request.plan
        return f"plan: {plan.brief[:60]} · {','.join(plan.platforms)} · {plan.start:%Y-%m-%d}+{plan.days}d"
    topics = "; ".join(f"{b.platform}:{b.topic[:30]}" for b in request.briefs)
    return f"{request.kind}: {topics}"


def progress_event(namespace: str, node: str, update: dict[str, Any]) -> dict[str, Any]:
    """A JSON-able progress event for one node update (what the operator page shows line by line)."""
    detail = ""
    plan = update.get("plan")
    if isinstance(plan, Plan):
        detail = f"{len(plan.items)} 条选题"
    revisions = update.get("revisions")
    if node == "writer" and isinstance(revisions, list) and revisions:
        detail = f"第 {revisions[-1].number} 版（{revisions[-1].reason}）"
    check = update.get("check")
    if node == "gate" and check is not None:
        counts = check.counts()
        detail = f"阻断 {counts['blocking']} · 警告 {counts['warning']} · 提示 {counts['info']}"
    drafts = update.get("drafts")
    if node == "finalize" and isinstance(drafts, dict):
        detail = "、".join(drafts)
    return {
        "type": "node", "namespace": namespace, "node": node, "label": NODE_LABELS.get(node, node),
        "detail": detail, "at": datetime.now().isoformat(timespec="seconds"),
    }
