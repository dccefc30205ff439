"""The REST API under /api: every route checks the caller and hands over to the review desk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from nmo.audit import MAX_NOTE_CHARS, AuditEntry
from nmo.brand.profile import BrandProfile
from nmo.brand.view import CorrectionChanges
from nmo.desk import DecisionInput, DraftView, RequestView, SubmitInput
from nmo.editing import DiffOp
from nmo.errors import UserInputError
from nmo.exports import ExportFormat
from nmo.registry import DraftSummary, RequestSummary
from nmo.schemas import DraftStatus, Passage, Plan
from nmo.service import MAX_EDIT_CHARS, RunOutcome
from nmo.sessions import SESSION_HOURS
from nmo.users import USER_ROLES, AuthenticationError, User, UserRole
from nmo.web.auth import SESSION_COOKIE, CurrentUser, Desk, Sessions
from nmo.web.guards import LoginLimiter
from nmo.web.runs import RunBoard, sse, standing_event

router = APIRouter(prefix="/api")
DraftStatusFilter = DraftStatus | Literal["all"]


class LoginInput(BaseModel):
    """A token to exchange for a session cookie (for the pages)."""

    token: str = Field(min_length=1, max_length=200)


class NoteInput(BaseModel):
    """Approve or reject: an optional note (required for rejections and for approving blocking findings)."""

    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    expected_version: int = Field(ge=0, description="The version you saw (GET /api/drafts/{id}); 409 if it moved.")


class EditInput(NoteInput):
    """Edit then approve: the full edited text."""

    text: str = Field(max_length=MAX_EDIT_CHARS)


class SuggestionInput(BaseModel):
    """Apply one finding's suggestion (by its index in the draft's findings)."""

    finding: int = Field(ge=0)
    expected_version: int = Field(ge=0, description="The version you saw; 409 if it moved.")


class SubmitAccepted(BaseModel):
    """A request accepted for a background run; follow `events` for progress."""

    request_id: str
    events: str
    status: str = "running"


class NewUserInput(BaseModel):
    """A user to create (admins only)."""

    name: str = Field(min_length=1, max_length=40)
    role: UserRole


class NewUser(BaseModel):
    """A created user and their token, shown this once."""

    user: User
    token: str


class DeskInfo(BaseModel):
    """The caller and the desk's policy."""

    user: User
    four_eyes: bool
    roles: list[str]


class BrandCorrected(BaseModel):
    """What saving the team's corrections changed, and the profile now in use."""

    changes: CorrectionChanges
    profile: BrandProfile


async def yaml_body(request: Request) -> str:
    """The request body as UTF-8 text (a YAML document)."""
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise UserInputError("The body is not UTF-8 text.", "Send the YAML written by `nmo brand export`, as UTF-8.",
                             zh_problem="提交的内容不是 UTF-8 文本。", zh_fix="请以 UTF-8 提交导出的 YAML。") from None


def _runs(request: Request) -> RunBoard:
    board: RunBoard = request.app.state.runs
    return board


# ---- session -------------------------------------------------------------------------------------


@router.get("/health", tags=["session"])
def health() -> dict[str, str]:
    """Liveness check (no token needed)."""
    return {"status": "ok"}


@router.post("/session", tags=["session"])
def login(body: LoginInput, request: Request, response: Response, desk: Desk, sessions: Sessions) -> DeskInfo:
    """Log the pages in: a valid token opens a session; the HttpOnly, SameSite=Strict cookie holds the
    session's ID (Secure over HTTPS), never the token. Failed attempts are rate-limited per client."""
    limiter: LoginLimiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    limiter.check(client)
    opened = sessions.open(body.token.strip())
    if opened is None:
        limiter.failed(client)
        raise AuthenticationError("This token belongs to nobody.", "Check it, or ask an admin for a new one.")
    limiter.succeeded(client)
    user, session_id = opened
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=SESSION_HOURS * 3600)
    return DeskInfo(user=user, four_eyes=desk.four_eyes, roles=list(USER_ROLES))


@router.delete("/session", tags=["session"])
def logout(request: Request, response: Response, sessions: Sessions) -> dict[str, str]:
    """Log the pages out: the session ends on the server too, so a copied cookie stops working."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        sessions.close(session_id)
    response.delete_cookie(SESSION_COOKIE)
    return {"status": "logged out"}


@router.get("/me", tags=["session"])
def me(user: CurrentUser, desk: Desk) -> DeskInfo:
    """Who the token belongs to, and whether the four-eyes rule is on."""
    return DeskInfo(user=user, four_eyes=desk.four_eyes, roles=list(USER_ROLES))


# ---- drafts --------------------------------------------------------------------------------------


@router.get("/drafts", tags=["drafts"])
def list_drafts(
    user: CurrentUser, desk: Desk, status: DraftStatusFilter = "pending_review", request_id: str | None = None
) -> list[DraftSummary]:
    """Drafts oldest first; the default (status=pending_review) is the review queue."""
    return desk.drafts(user, status=None if status == "all" else status, request_id=request_id)


@router.get("/drafts/next", tags=["drafts"])
def next_draft(user: CurrentUser, desk: Desk, after: str | None = None) -> dict[str, str | None]:
    """The next draft waiting for review after `after` (null when the queue is empty)."""
    return {"id": desk.next_pending(user, after)}


@router.get("/drafts/{draft_id}", tags=["drafts"])
def get_draft(draft_id: str, user: CurrentUser, desk: Desk) -> DraftView:
    """One draft: text, findings with offsets, highlight segments, cited passages, revisions, decisions."""
    return desk.draft(user, draft_id)


@router.get("/drafts/{draft_id}/diff", tags=["drafts"])
def diff(
    draft_id: str, user: CurrentUser, desk: Desk,
    old: Annotated[int | None, Query(alias="from", ge=1)] = None,
    new: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> list[DiffOp]:
    """Character diff between two revisions (default: previous → latest)."""
    return desk.diff(user, draft_id, old, new)


@router.get("/drafts/{draft_id}/passages/{passage_id}", tags=["drafts"])
def passage(draft_id: str, passage_id: str, user: CurrentUser, desk: Desk) -> Passage:
    """A passage the draft cites, with its source path and heading."""
    return desk.passage(user, draft_id, passage_id)


@router.post("/drafts/{draft_id}/approve", tags=["review"])
def approve(draft_id: str, body: NoteInput, user: CurrentUser, desk: Desk) -> DraftView:
    """Approve (reviewer, admin). Retrying your own approval returns 200; anything stale returns 409."""
    return desk.decide(user, draft_id, DecisionInput(action="approve", **body.model_dump()))


@router.post("/drafts/{draft_id}/edit", tags=["review"])
def edit(draft_id: str, body: EditInput, user: CurrentUser, desk: Desk) -> DraftView:
    """Edit then approve: the gate re-checks the text; open blocking findings send it back to review."""
    return desk.decide(user, draft_id, DecisionInput(action="edit", **body.model_dump()))


@router.post("/drafts/{draft_id}/reject", tags=["review"])
def reject(draft_id: str, body: NoteInput, user: CurrentUser, desk: Desk) -> DraftView:
    """Reject with a note: the writer revises, the gate re-checks, and the draft comes back to review."""
    return desk.decide(user, draft_id, DecisionInput(action="reject", **body.model_dump()))


@router.post("/drafts/{draft_id}/apply-suggestion", tags=["review"])
def apply_suggestion(draft_id: str, body: SuggestionInput, user: CurrentUser, desk: Desk) -> DraftView:
    """Replace one finding's text with its suggestion, as an edit (approved when nothing blocking is left)."""
    return desk.apply_suggestion(user, draft_id, body.finding, body.expected_version)


@router.get("/drafts/{draft_id}/export", tags=["drafts"])
def export(draft_id: str, user: CurrentUser, desk: Desk, format: ExportFormat = "wechat") -> Response:
    """Download an approved draft: wechat (HTML, inline styles), markdown, or text (hashtags in platform syntax)."""
    result = desk.export(user, draft_id, format)
    disposition = f"attachment; filename=\"{result.filename}\"; filename*=UTF-8''{quote(result.filename)}"
    return Response(result.body, media_type=result.media_type, headers={"Content-Disposition": disposition})


# ---- requests ------------------------------------------------------------------------------------


@router.post("/requests", tags=["requests"], status_code=202, response_model=None)
def submit(
    body: SubmitInput, request: Request, response: Response, user: CurrentUser, desk: Desk, wait: bool = False
) -> SubmitAccepted | RunOutcome:
    """Submit a plan, draft or adapt request (operator, admin).

    Answers 202 with an events URL and runs in the background; with wait=true answers 200 with the outcome.
    """
    workflow_request = desk.accept(user, body)
    if wait:
        response.status_code = 200
        return desk.run(workflow_request)
    _runs(request).start(workflow_request.id, lambda run: desk.run(workflow_request, run.on_progress))
    return SubmitAccepted(request_id=workflow_request.id, events=f"/api/requests/{workflow_request.id}/events")


@router.get("/requests", tags=["requests"])
def list_requests(
    user: CurrentUser, desk: Desk, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[RequestSummary]:
    """Recent requests, newest first."""
    return desk.requests(user, limit)


@router.get("/requests/{request_id}", tags=["requests"])
def get_request(request_id: str, user: CurrentUser, desk: Desk) -> RequestView:
    """A request's status and its drafts' review status."""
    return desk.request(user, request_id)


@router.post("/requests/{request_id}/resume", tags=["requests"], status_code=202)
def resume(request_id: str, request: Request, user: CurrentUser, desk: Desk) -> SubmitAccepted:
    """Continue a failed run from its last checkpoint (operator, admin)."""
    desk.check_resumable(user, request_id)
    _runs(request).start(request_id, lambda run: desk.resume(user, request_id, run.on_progress))
    return SubmitAccepted(request_id=request_id, events=f"/api/requests/{request_id}/events")


@router.get("/requests/{request_id}/events", tags=["requests"], response_class=StreamingResponse)
def events(request_id: str, request: Request, user: CurrentUser, desk: Desk) -> StreamingResponse:
    """Server-sent events, one per graph node as it finishes, then `done` (or `error`)."""
    view = desk.request(user, request_id)
    run = _runs(request).get(request_id)

    def stream() -> Iterator[str]:
        if run is None:  # started elsewhere (CLI, another server): report where it stands
            yield sse(standing_event(view))
            return
        for event in run.follow():
            yield sse(event)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/plans/{plan_id}", tags=["requests"])
def get_plan(plan_id: str, user: CurrentUser, desk: Desk) -> Plan:
    """A stored plan with its items (draft one with a draft request whose brief names the plan item)."""
    return desk.plan(user, plan_id)


# ---- admin ---------------------------------------------------------------------------------------


@router.get("/audit", tags=["admin"])
def audit(
    user: CurrentUser, desk: Desk, draft_id: str | None = None, actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[AuditEntry]:
    """The audit log, newest first (admin)."""
    return desk.audit_entries(user, draft_id=draft_id, actor=actor, limit=limit)


@router.get("/users", tags=["admin"])
def list_users(user: CurrentUser, desk: Desk) -> list[User]:
    """All users (admin)."""
    return desk.list_users(user)


@router.post("/users", tags=["admin"], status_code=201)
def add_user(body: NewUserInput, user: CurrentUser, desk: Desk) -> NewUser:
    """Create a user and return their token, shown only this once (admin)."""
    created, token = desk.add_user(user, body.name, body.role)
    return NewUser(user=created, token=token)


@router.get("/brand", tags=["admin"])
def brand_profile(user: CurrentUser, desk: Desk) -> BrandProfile:
    """The brand profile in use (NMO_COLLECTION): every entry with its source; `missing` and `corrected` fields."""
    return desk.brand_profile(user)


@router.put(
    "/brand/corrections", tags=["admin"],
    openapi_extra={"requestBody": {"required": True, "content": {"application/yaml": {"schema": {"type": "string"}}}}},
)
def correct_brand(text: Annotated[str, Depends(yaml_body)], user: CurrentUser, desk: Desk) -> BrandCorrected:
    """Replace the team's corrections with this YAML (as `nmo brand import`; admin). Each field in it wins over
    extraction, now and after later ingests; an invalid YAML changes nothing. Audited."""
    changes = desk.correct_brand(user, text)
    return BrandCorrected(changes=changes, profile=desk.brand_profile(user))
