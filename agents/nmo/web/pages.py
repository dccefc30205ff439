"""The HTML pages: login, review queue, draft view, operator page and admin page (Jinja2, autoescaped)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from nmo.composer.notes import VOCABULARY
from nmo.composer.notes_log import latest_change_log
from nmo.platforms import platform_table
from nmo.schemas import GOAL_LABELS
from nmo.users import User
from nmo.web.auth import Desk, optional_user
from nmo.web.draft_html import draft_html
from nmo.web.runs import platform_name

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

SEVERITY_LABELS = {"blocking": "阻断", "warning": "警告", "info": "提示"}
STATUS_LABELS = {
    "writing": "写作中", "pending_review": "待审核", "approved": "已通过", "rejected": "已退回", "failed": "失败",
    "running": "运行中", "done": "已完成",
}
ACTION_LABELS = {"approve": "通过", "edit": "修改", "reject": "退回", "submit": "提交", "resume": "继续",
                 "user_add": "添加用户", "brand_correct": "更正品牌档案"}
ROLE_LABELS = {"operator": "运营", "reviewer": "审核", "admin": "管理员"}
MaybeUser = Annotated[User | None, Depends(optional_user)]


def age(moment: datetime) -> str:
    """How long ago, in Chinese (刚刚, 5 分钟前, 3 小时前, 2 天前)."""
    seconds = max(0.0, (datetime.now() - moment.replace(tzinfo=None)).total_seconds())
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"


templates.env.filters["age"] = age
templates.env.filters["platform_name"] = platform_name
templates.env.globals.update(
    severity_labels=SEVERITY_LABELS, status_labels=STATUS_LABELS, action_labels=ACTION_LABELS,
    role_labels=ROLE_LABELS,
)


def render(request: Request, name: str, user: User | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the user in its context."""
    return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)


def error_page(request: Request, status: int, problem: str, fix: str) -> HTMLResponse:
    """An error as a page (for browsers), with what to do next."""
    return render(request, "error.html", None, status_code=status, status=status, problem=problem, fix=fix)


def login_redirect(request: Request) -> RedirectResponse:
    """Send an anonymous visitor to the login page, coming back here afterwards."""
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/login")
def login_page(request: Request, user: MaybeUser) -> Response:
    """Log in with an API token."""
    return render(request, "login.html", user)


@router.get("/")
def home(request: Request, user: MaybeUser) -> Response:
    """Reviewers land on the queue, operators on the operator page."""
    if user is None:
        return login_redirect(request)
    return RedirectResponse("/operate" if user.role == "operator" else "/review", status_code=303)


@router.get("/review")
def queue_page(request: Request, user: MaybeUser, desk: Desk) -> Response:
    """The review queue: drafts waiting for review, oldest first."""
    if user is None:
        return login_redirect(request)
    queue = desk.drafts(user, status="pending_review")
    recent = [d for d in desk.drafts(user) if d.status != "pending_review"][-20:][::-1]
    return render(request, "queue.html", user, queue=queue, recent=recent, four_eyes=desk.four_eyes)


@router.get("/review/{draft_id}")
def draft_page(draft_id: str, request: Request, user: MaybeUser, desk: Desk) -> Response:
    """One draft: findings highlighted in place, cited passages, revision diff and the actions."""
    if user is None:
        return login_redirect(request)
    view = desk.draft(user, draft_id)
    diff = desk.diff(user, draft_id) if len(view.draft.revisions) > 1 else []
    own = desk.four_eyes and view.draft.requested_by == user.name
    return render(
        request, "draft.html", user, view=view, draft=view.draft, diff=diff, own=own,
        body_html=draft_html(view.draft.text, view.segments),
        can_review=user.can("review"), next_id=desk.next_pending(user, draft_id),
        quick_notes=VOCABULARY, change_log=latest_change_log(view.draft),
    )


@router.get("/operate")
def operate_page(request: Request, user: MaybeUser, desk: Desk) -> Response:
    """Submit plan, draft and adapt requests; watch progress; see results."""
    if user is None:
        return login_redirect(request)
    platforms = [(key, spec.name) for key, spec in platform_table().platforms.items()]
    return render(request, "operate.html", user, platforms=platforms, goals=GOAL_LABELS.items(),
                  requests=desk.requests(user, 20),
                  can_submit=user.can("submit"), today=desk.service.clock.today().isoformat())


@router.get("/plans/{plan_id}")
def plan_page(plan_id: str, request: Request, user: MaybeUser, desk: Desk) -> Response:
    """A content plan: its items by date, each one a click away from a draft."""
    if user is None:
        return login_redirect(request)
    plan = desk.plan(user, plan_id)
    drafted = {d.plan_item_id: d for d in desk.drafts(user) if d.plan_item_id}
    return render(request, "plan.html", user, plan=plan, drafted=drafted, can_submit=user.can("submit"))


@router.get("/admin")
def admin_page(request: Request, user: MaybeUser, desk: Desk) -> Response:
    """The audit log, users, the desk's policy and the brand profile with its correction form (admins only)."""
    if user is None:
        return login_redirect(request)
    entries = desk.audit_entries(user, limit=500)
    return render(request, "admin.html", user, entries=entries, users=desk.list_users(user),
                  four_eyes=desk.four_eyes, audit_check=desk.audit.verify(),
                  brand=desk.brand_page(user))

