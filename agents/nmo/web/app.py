"""The app factory: one FastAPI app serving the REST API, the review pages and their local assets."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nmo import __version__
from nmo.audit import AuditLog
from nmo.brand.store import BrandStore
from nmo.config import Settings
from nmo.desk import ReviewDesk, StaleDecision, draft_view
from nmo.errors import NmoError, StorageError
from nmo.service import WorkflowService
from nmo.sessions import SessionStore
from nmo.users import UserStore, desk_db_path
from nmo.web.guards import LoginLimiter, SameOrigin, SecurityHeaders
from nmo.web.runs import RunBoard

logger = logging.getLogger(__name__)
ServiceFactory = Callable[[], AbstractContextManager[WorkflowService]]
STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 1_000_000


def default_service_factory(settings: Settings) -> ServiceFactory:
    """The real workflow service from the composition root (graph, checkpointer, knowledge, gate, agents)."""

    def factory() -> AbstractContextManager[WorkflowService]:
        try:
            composition = importlib.import_module("nmo.composition")
        except ImportError as error:
            raise StorageError(
                "The workflow composition (nmo.composition) is not available in this install.",
                "Reinstall nmo: `pip install -e .`.",
            ) from error
        opened: AbstractContextManager[WorkflowService] = composition.open_service(settings)
        return opened

    return factory


class BodyLimit:
    """Refuse request bodies over a size limit with 413 before any handler sees them."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "PayloadTooLarge", f"The request body is larger than {self.limit // 1_000_000} MB.",
            "Send less: an edited draft is limited to 100,000 characters.",
            zh_problem=f"提交的内容超过了 {self.limit // 1_000_000} MB。", zh_fix="请精简：一篇修改稿最多 100,000 字。",
        )
        await response(scope, receive, send)


def cross_site_refusal(problem: str) -> ASGIApp:
    """The 403 answer to a state-changing request another site sent."""
    return error_response(
        403, "CrossSiteRequest", f"Refused: {problem}.",
        "Use the desk's own pages, or send `Authorization: Bearer <token>` from a script.",
        zh_problem="这个操作不是从审核台自己的页面发出的，已拒绝。",
        zh_fix="请在审核台页面里操作；脚本请带上 API 令牌。",
    )


def error_response(
    status: int, kind: str, problem: str, fix: str = "", *, zh_problem: str, zh_fix: str,
    beside: dict[str, Any] | None = None, **extra: Any,
) -> JSONResponse:
    """The one error shape every API answer uses: {"error": {type, problem, fix, zh_problem, zh_fix, …}, …beside}.

    problem/fix are English (scripts, logs); zh_problem/zh_fix are what the Chinese pages show.
    """
    body = {"type": kind, "problem": problem, "fix": fix, "zh_problem": zh_problem, "zh_fix": zh_fix, **extra}
    return JSONResponse({"error": body, **(beside or {})}, status_code=status)


def nmo_error_response(error: NmoError, kind: str = "", beside: dict[str, Any] | None = None) -> JSONResponse:
    """An NmoError in the API's error shape, with its Chinese problem and fix."""
    zh_problem, zh_fix = error.in_chinese()
    return error_response(error.http_status, kind or type(error).__name__, error.problem, error.fix,
                          zh_problem=zh_problem, zh_fix=zh_fix, beside=beside)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI) -> None:
    """Errors become a clear JSON answer (or page) with what to do next; never a stack trace."""
    from nmo.web.pages import error_page

    @app.exception_handler(NmoError)
    async def nmo_error(request: Request, error: NmoError) -> Response:
        if _wants_html(request):
            return error_page(request, error.http_status, *error.in_chinese())
        if isinstance(error, StaleDecision):
            return nmo_error_response(error, "Conflict", {"current": draft_view(error.current).model_dump(mode="json")})
        return nmo_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        fields = [
            {"field": ".".join(str(part) for part in item.get("loc", ())), "message": item.get("msg", "")}
            for item in error.errors()
        ]
        names = ", ".join(f["field"] for f in fields[:5])
        return error_response(422, "ValidationError", f"The request is not valid: {names}.",
                              "Correct the named field(s); /docs shows every endpoint's schema.",
                              zh_problem=f"提交的内容不完整或格式不对（{names}）。",
                              zh_fix="请按提示补全或改正后重新提交。", fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        problem = "No such page or endpoint." if error.status_code == 404 else str(error.detail)
        zh_problem = "没有这个页面。" if error.status_code == 404 else f"请求没有完成（{error.detail}）。"
        if _wants_html(request):
            return error_page(request, error.status_code, zh_problem, "请从首页重新进入。")
        return error_response(error.status_code, "HTTPError", problem, "See /docs for the API.",
                              zh_problem=zh_problem, zh_fix="请从首页重新进入。")

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "InternalError", "Something went wrong on the server; nothing was changed "
                              "by the failed step.", "Retry; if it persists, send the server log to an admin.",
                              zh_problem="服务器出了问题；出错的这一步没有改动任何内容。",
                              zh_fix="请重试；一直出错时请把服务器日志交给管理员。")


def create_app(settings: Settings, service_factory: ServiceFactory | None = None) -> FastAPI:
    """Build the app: REST API under /api (schema at /docs), pages at /, assets under /static."""
    from fastapi_offline import FastAPIOffline

    from nmo.web.api import router as api_router
    from nmo.web.pages import router as page_router

    factory = service_factory or default_service_factory(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = desk_db_path(settings.home)
        with factory() as service:
            users = UserStore(db)
            app.state.desk = ReviewDesk(service, users, AuditLog(db), BrandStore.for_settings(settings))
            app.state.sessions = SessionStore(db, users)
            app.state.runs = RunBoard()
            try:
                yield
            finally:
                app.state.runs.wait_all()

    app = FastAPIOffline(
        title="nmo review desk",
        description="Review drafts, submit requests and export approved content. Authenticate with "
        "`Authorization: Bearer <token>` (tokens come from `nmo user add NAME --role R`).",
        version=__version__,
        redoc_url=None,
        swagger_ui_parameters={"validatorUrl": None},  # the validator badge would call a public server
        lifespan=lifespan,
    )
    app.state.login_limiter = LoginLimiter()
    app.add_middleware(BodyLimit)
    app.add_middleware(SameOrigin, refuse=cross_site_refusal)
    app.add_middleware(SecurityHeaders)  # added last = outermost: error answers get the headers too
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api_router)
    app.include_router(page_router)
    return app
