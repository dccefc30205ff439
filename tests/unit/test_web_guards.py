"""The web app's guards (issue 14 item 10): the cookie holds a revocable session, not the API token;
state-changing requests from other sites are refused; every answer carries security headers; login
attempts are rate-limited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from nmo.config import Settings
from nmo.users import UserStore, desk_db_path
from nmo.web.app import create_app
from nmo.web.guards import LoginLimiter

from tests.web_support import fake_service_factory

SAME_SITE = {"Origin": "http://testserver"}


def log_in(client: TestClient, token: str) -> str:
    response = client.post("/api/session", json={"token": token})
    assert response.status_code == 200, response.text
    return response.cookies["nmo_session"]


def test_the_cookie_is_a_session_not_the_token_and_logout_revokes_it(
    client: TestClient, tokens: dict[str, str]
) -> None:
    session = log_in(client, tokens["lee"])
    assert session != tokens["lee"] and tokens["lee"] not in session
    assert client.get("/api/me").json()["user"]["name"] == "lee"
    # the session ID is no API token: a script cannot use a stolen cookie as a bearer token
    assert client.get("/api/me", headers={"Authorization": f"Bearer {session}"}).status_code == 401
    assert client.delete("/api/session", headers=SAME_SITE).status_code == 200
    client.cookies.set("nmo_session", session)  # someone kept a copy of the cookie
    assert client.get("/api/me").status_code == 401
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_rotating_a_token_or_removing_the_user_ends_their_sessions(
    client: TestClient, tokens: dict[str, str], settings: Settings
) -> None:
    users = UserStore(desk_db_path(settings.home))
    log_in(client, tokens["lee"])
    users.rotate("lee")
    assert client.get("/api/me").status_code == 401
    log_in(client, tokens["ops"])
    users.remove("ops")
    assert client.get("/api/me").status_code == 401


def test_the_cookie_is_secure_over_https(settings: Settings, tokens: dict[str, str]) -> None:
    with TestClient(create_app(settings, fake_service_factory(settings)), base_url="https://desk.example") as https:
        cookie = https.post("/api/session", json={"token": tokens["lee"]}).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    with TestClient(create_app(settings, fake_service_factory(settings))) as plain:
        assert "secure" not in plain.post("/api/session", json={"token": tokens["lee"]}).headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page"},
        {},  # a cookie-carrying request that names no page
    ],
    ids=["other-origin", "lookalike-host", "other-referer", "no-origin"],
)
def test_state_changing_requests_from_another_site_are_refused(
    client: TestClient, tokens: dict[str, str], headers: dict[str, str]
) -> None:
    log_in(client, tokens["root"])
    before = client.get("/api/users").json()
    refused = client.post("/api/users", json={"name": "zhao", "role": "reviewer"}, headers=headers)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["type"] == "CrossSiteRequest" and error["zh_problem"] and error["fix"]
    assert client.get("/api/users").json() == before  # nothing was created
    resume = client.post("/api/requests/anything/resume", headers=headers)  # a body-less POST too
    assert resume.status_code == 403


def test_the_desk_pages_and_scripts_still_change_state(client: TestClient, tokens: dict[str, str]) -> None:
    log_in(client, tokens["root"])
    from_page = client.post("/api/users", json={"name": "zhao", "role": "reviewer"}, headers=SAME_SITE)
    assert from_page.status_code == 201, from_page.text
    referer_only = client.post("/api/users", json={"name": "qian", "role": "reviewer"},
                               headers={"Referer": "http://testserver/admin"})
    assert referer_only.status_code == 201, referer_only.text
    client.cookies.clear()
    script = client.post("/api/users", json={"name": "sun", "role": "reviewer"},
                         headers={"Authorization": f"Bearer {tokens['root']}"})
    assert script.status_code == 201, script.text


def test_every_answer_carries_security_headers(client: TestClient, tokens: dict[str, str]) -> None:
    log_in(client, tokens["lee"])
    for response in (client.get("/review"), client.get("/api/me"), client.get("/login"),
                     client.get("/no-such-page"), client.post("/api/users", json={})):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    docs = client.get("/docs")
    assert docs.status_code == 200 and "script-src 'self' 'unsafe-inline'" in docs.headers["content-security-policy"]


def test_failed_logins_are_rate_limited_per_client(client: TestClient, tokens: dict[str, str]) -> None:
    now = [1000.0]
    client.app.state.login_limiter = LoginLimiter(attempts=5, window_s=300, clock=lambda: now[0])  # type: ignore[attr-defined]
    for _ in range(5):
        assert client.post("/api/session", json={"token": "nmo_guess"}).status_code == 401
    blocked = client.post("/api/session", json={"token": tokens["lee"]})  # even the right token waits
    assert blocked.status_code == 429
    assert "300" in blocked.json()["error"]["problem"] and "秒后再试" in blocked.json()["error"]["zh_problem"]
    now[0] += 301
    assert client.post("/api/session", json={"token": tokens["lee"]}).status_code == 200
    # a success clears the count
    for _ in range(4):
        client.post("/api/session", json={"token": "nmo_guess"})
    assert client.post("/api/session", json={"token": tokens["lee"]}).status_code == 200
    assert client.post("/api/session", json={"token": "nmo_guess"}).status_code == 401
