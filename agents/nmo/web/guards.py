"""The web app's guards: same-origin checks on state-changing requests, security headers on every answer,
and a rate limit on login attempts."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nmo.errors import NmoError

LOGIN_PATH = "/api/session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Pages load only their own scripts, styles and images; nothing may frame them. The API docs page
# (Swagger UI, served locally) starts itself with an inline script, so it alone may run inline scripts.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = PAGE_POLICY.replace("default-src 'self'", "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                  "style-src 'self' 'unsafe-inline'")
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}


class TooManyAttempts(NmoError):
    """Too many failed logins from one client in a short time."""

    http_status = 429
    zh_summary = "登录失败次数太多。"
    zh_advice = "请稍后再试；忘记令牌时请管理员重新生成。"


class SecurityHeaders:
    """Add the security headers (and the content policy) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith(("/docs", "/openapi")) else PAGE_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in HEADERS.items() if name not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", policy.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return "\x00unparsable"


class SameOrigin:
    """Refuse state-changing requests that a browser sent from another site (cross-site request forgery).

    A request carrying `Authorization` is a script's and is let through: browsers never attach that header
    on their own. Otherwise the Origin (or, without one, the Referer) must name this server's host; a
    cookie-carrying request that names neither is refused too — except logging in, which proves a token
    rather than relying on the cookie it may carry.
    """

    def __init__(self, app: ASGIApp, refuse: Callable[[str], ASGIApp]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        logging_in = scope["method"] == "POST" and scope.get("path") == LOGIN_PATH
        problem = self._problem(headers, needs_origin=not logging_in)
        if problem:
            await self.refuse(problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _problem(headers: dict[str, str], *, needs_origin: bool) -> str:
        if headers.get("authorization"):
            return ""
        host = headers.get("host", "").lower()
        claimed = headers.get("origin") or headers.get("referer")
        if claimed and claimed != "null":
            return "" if _netloc(claimed) == host else f"the request came from another site ({claimed})"
        if claimed == "null" or (needs_origin and "cookie" in headers):
            return "the request does not say which page sent it (no Origin or Referer header)"
        return ""


class LoginLimiter:
    """At most `attempts` failed logins per client in `window_s` seconds; then 429 until the oldest ages out.

    Kept in memory: it protects one server process (several workers each count on their own).
    """

    def __init__(self, attempts: int = 5, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        cutoff = self.clock() - self.window_s
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures

    def check(self, client: str) -> None:
        """Raise TooManyAttempts while the client is over the limit."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.attempts:
                return
            wait = math.ceil(failures[0] + self.window_s - self.clock())
        raise TooManyAttempts(
            f"Too many failed logins from this address; try again in {wait} s.",
            "Check the token; an admin can issue a new one with `nmo user token NAME`.",
            zh_problem=f"登录失败次数太多，请 {wait} 秒后再试。",
            zh_fix="请核对令牌；忘记时请管理员用 `nmo user token 用户名` 重新生成。",
        )

    def failed(self, client: str) -> None:
        """Count a failed attempt."""
        with self._lock:
            self._recent(client).append(self.clock())

    def succeeded(self, client: str) -> None:
        """A successful login clears the client's count."""
        with self._lock:
            self._failures.pop(client, None)
