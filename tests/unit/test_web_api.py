"""The review desk's REST API and pages, over a real SQLite checkpointer with fake agents.

Every endpoint, role and error path: 401 without a valid token, 403 for the wrong role or the four-eyes
rule, 404 for unknown IDs, 409 with the current state for stale actions, 413/422 for bad bodies, and
never a stack trace or a lost decision.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nmo.config import Settings
from nmo.exports import NOTES_RULE
from nmo.web.app import create_app

from tests.web_support import PASSAGE, add_users, fake_service_factory


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the read-only 401 checks (they must not change anything anyway)."""
    settings = Settings(home=tmp_path_factory.mktemp("shared") / "home", backend="offline")
    add_users(settings)
    with TestClient(create_app(settings, fake_service_factory(settings))) as test_client:
        yield test_client


def auth(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}"}


def submit(client: TestClient, tokens: dict[str, str], *platforms: str, by: str = "ops") -> dict[str, Any]:
    body = {"kind": "draft", "briefs": [{"platform": p, "topic": "冷泡茶怎么泡"} for p in platforms]}
    response = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, by))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def draft_id(client: TestClient, tokens: dict[str, str]) -> str:
    outcome = submit(client, tokens, "微博")
    draft: str = outcome["drafts"][0]["draft_id"]
    return draft


def seen(client: TestClient, draft_id: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """A decision body with the version the reviewer just read (the desk requires it on every decision)."""
    view = client.get(f"/api/drafts/{draft_id}", headers=headers)
    version = view.json()["version"] if view.status_code == 200 else 0
    return {"expected_version": version, **body}


def no_trace(response: Any) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


# ---- authentication and roles --------------------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/me", None),
    ("GET", "/api/drafts", None),
    ("GET", "/api/drafts/next", None),
    ("GET", "/api/drafts/X", None),
    ("GET", "/api/drafts/X/diff", None),
    ("GET", "/api/drafts/X/passages/p", None),
    ("GET", "/api/drafts/X/export", None),
    ("POST", "/api/drafts/X/approve", {"expected_version": 0}),
    ("POST", "/api/drafts/X/edit", {"text": "t", "expected_version": 0}),
    ("POST", "/api/drafts/X/reject", {"note": "n", "expected_version": 0}),
    ("POST", "/api/drafts/X/apply-suggestion", {"finding": 0, "expected_version": 0}),
    ("POST", "/api/requests", {"kind": "draft", "briefs": [{"platform": "weibo", "topic": "t"}]}),
    ("GET", "/api/requests", None),
    ("GET", "/api/requests/X", None),
    ("POST", "/api/requests/X/resume", None),
    ("GET", "/api/requests/X/events", None),
    ("GET", "/api/plans/X", None),
    ("GET", "/api/audit", None),
    ("GET", "/api/users", None),
    ("POST", "/api/users", {"name": "n", "role": "reviewer"}),
    ("GET", "/api/brand", None),
    ("PUT", "/api/brand/corrections", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("token", [None, "nmo_forged-token-that-nobody-holds", "garbage"])
def test_every_endpoint_needs_a_valid_token(
    shared_client: TestClient, method: str, path: str, body: Any, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = shared_client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert "token" in error["problem"].lower() and "nmo user add" in error["fix"]
    no_trace(response)


def test_health_and_me(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    me = client.get("/api/me", headers=auth(tokens, "lee")).json()
    assert me["user"]["name"] == "lee" and me["user"]["role"] == "reviewer" and me["four_eyes"] is True


@pytest.mark.parametrize(
    ("who", "method", "path", "body"),
    [
        ("lee", "POST", "/api/requests", {"kind": "draft", "briefs": [{"platform": "weibo", "topic": "t"}]}),
        ("ops", "POST", "/api/drafts/{id}/approve", {"expected_version": 1}),
        ("ops", "POST", "/api/drafts/{id}/reject", {"note": "改", "expected_version": 1}),
        ("ops", "POST", "/api/drafts/{id}/edit", {"text": "新的正文", "expected_version": 1}),
        ("ops", "POST", "/api/drafts/{id}/apply-suggestion", {"finding": 0, "expected_version": 1}),
        ("lee", "GET", "/api/audit", None),
        ("ops", "GET", "/api/audit", None),
        ("lee", "GET", "/api/users", None),
        ("wang", "POST", "/api/users", {"name": "eve", "role": "admin"}),
    ],
)
def test_wrong_role_gets_403_and_changes_nothing(
    client: TestClient, tokens: dict[str, str], draft_id: str, who: str, method: str, path: str, body: Any
) -> None:
    response = client.request(method, path.format(id=draft_id), json=body, headers=auth(tokens, who))
    assert response.status_code == 403
    assert "permission" in response.json()["error"]["problem"]
    draft = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()
    assert draft["draft"]["status"] == "pending_review" and draft["version"] == 1
    assert [u["name"] for u in client.get("/api/users", headers=auth(tokens, "root")).json()] == [
        "lee", "ops", "root", "wang"]


def test_four_eyes_requester_cannot_approve_own_draft_but_can_reject(
    client: TestClient, tokens: dict[str, str]
) -> None:
    draft = submit(client, tokens, "weibo", by="root")["drafts"][0]["draft_id"]
    for action, body in (("approve", {"note": "确认可以发"}), ("edit", {"text": "干净的正文"}),
                         ("apply-suggestion", {"finding": 0})):
        response = client.post(f"/api/drafts/{draft}/{action}", json=seen(client, draft, body, auth(tokens, "root")),
                               headers=auth(tokens, "root"))
        assert response.status_code == 403, action
        assert "four-eyes" in response.json()["error"]["problem"]
    rejected = client.post(f"/api/drafts/{draft}/reject",
                           json=seen(client, draft, {"note": "自己退回"}, auth(tokens, "root")),
                           headers=auth(tokens, "root"))
    assert rejected.status_code == 200
    approved = client.post(f"/api/drafts/{draft}/approve", json=seen(client, draft, {}, auth(tokens, "lee")),
                           headers=auth(tokens, "lee"))
    assert approved.status_code == 200 and approved.json()["draft"]["status"] == "approved"


def test_four_eyes_can_be_relaxed_by_setting(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "relaxed", backend="offline", four_eyes=False)
    tokens = add_users(settings)
    with TestClient(create_app(settings, fake_service_factory(settings, blocked=()))) as client:
        assert client.get("/api/me", headers=auth(tokens, "root")).json()["four_eyes"] is False
        draft = submit(client, tokens, "weibo", by="root")["drafts"][0]["draft_id"]
        response = client.post(f"/api/drafts/{draft}/approve", json=seen(client, draft, {}, auth(tokens, "root")),
                               headers=auth(tokens, "root"))
        assert response.status_code == 200 and response.json()["draft"]["status"] == "approved"


# ---- reading -------------------------------------------------------------------------------------


def test_queue_lists_pending_drafts_with_finding_counts(client: TestClient, tokens: dict[str, str]) -> None:
    submit(client, tokens, "weibo", "xiaohongshu")
    queue = client.get("/api/drafts", headers=auth(tokens, "lee")).json()
    assert sorted((d["platform"], d["requested_by"], d["blocking"], d["warning"]) for d in queue) == [
        ("weibo", "ops", 2, 0), ("xiaohongshu", "ops", 2, 0)]
    assert client.get("/api/drafts?status=approved", headers=auth(tokens, "lee")).json() == []
    assert len(client.get("/api/drafts?status=all", headers=auth(tokens, "ops")).json()) == 2
    first, second = (d["id"] for d in queue)
    assert client.get(f"/api/drafts/next?after={first}", headers=auth(tokens, "lee")).json() == {"id": second}
    assert client.get(f"/api/drafts/next?after={second}", headers=auth(tokens, "lee")).json() == {"id": first}


def test_draft_view_has_findings_segments_citations(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    view = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()
    text = view["draft"]["text"]
    assert "".join(s["text"] for s in view["segments"]) == text
    marked = [s for s in view["segments"] if s["findings"]]
    assert [(s["text"], s["severity"]) for s in marked] == [("最好", "blocking"), ("第一", "blocking")]
    for item in view["findings"]:
        f = item["finding"]
        assert text[f["start"]:f["end"]] == f["text"]
    assert view["cited"] == [{"number": 1, "passage": PASSAGE.model_dump(mode="json")}]
    passage = client.get(f"/api/drafts/{draft_id}/passages/{PASSAGE.id}", headers=auth(tokens, "ops")).json()
    assert passage["heading"] == "冷泡方法" and passage["text"] == PASSAGE.text
    assert view["exportable"] is False


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/drafts/nope", None),
        ("GET", "/api/drafts/nope/diff", None),
        ("GET", "/api/drafts/nope/export", None),
        ("POST", "/api/drafts/nope/approve", {"expected_version": 1}),
        ("POST", "/api/drafts/nope/reject", {"note": "n", "expected_version": 1}),
        ("POST", "/api/drafts/nope/edit", {"text": "t", "expected_version": 1}),
        ("POST", "/api/drafts/nope/apply-suggestion", {"finding": 0, "expected_version": 1}),
        ("GET", "/api/requests/nope", None),
        ("GET", "/api/requests/nope/events", None),
        ("POST", "/api/requests/nope/resume", None),
        ("GET", "/api/plans/nope", None),
        ("GET", "/api/nothing-here", None),
    ],
)
def test_unknown_ids_are_404_with_a_fix(
    client: TestClient, tokens: dict[str, str], method: str, path: str, body: Any
) -> None:
    response = client.request(method, path, json=body, headers=auth(tokens, "root"))
    assert response.status_code == 404
    assert response.json()["error"]["problem"]
    no_trace(response)


def test_unknown_passage_finding_and_revision_are_404(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    headers = auth(tokens, "lee")
    assert client.get(f"/api/drafts/{draft_id}/passages/nope", headers=headers).status_code == 404
    assert client.post(f"/api/drafts/{draft_id}/apply-suggestion", json={"finding": 9, "expected_version": 1},
                       headers=headers).status_code == 404
    assert client.get(f"/api/drafts/{draft_id}/diff?from=1&to=7", headers=headers).status_code == 404


# ---- deciding ------------------------------------------------------------------------------------


def test_reject_sends_the_draft_back_revised_with_a_diff(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    response = client.post(f"/api/drafts/{draft_id}/reject", json={"note": "去掉绝对化用语", "expected_version": 1},
                           headers=auth(tokens, "lee"))
    assert response.status_code == 200
    view = response.json()
    assert view["draft"]["status"] == "pending_review" and len(view["draft"]["revisions"]) == 2
    assert "最好" not in view["draft"]["text"] and "去掉绝对化用语" in view["draft"]["text"]
    assert view["version"] == 3
    diff = client.get(f"/api/drafts/{draft_id}/diff", headers=auth(tokens, "lee")).json()
    assert {"op": "delete", "text": "最"} in diff
    assert any(op["op"] == "insert" and "去掉绝对化用语" in op["text"] for op in diff)


def test_apply_suggestion_is_an_edit_through_the_service(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    response = client.post(f"/api/drafts/{draft_id}/apply-suggestion", json={"finding": 0, "expected_version": 1},
                           headers=auth(tokens, "lee"))
    assert response.status_code == 200
    view = response.json()
    assert "很好的冷泡茶" in view["draft"]["text"] and "最好" not in view["draft"]["text"]
    assert view["draft"]["status"] == "pending_review"  # "第一" still blocks
    assert view["draft"]["revisions"][-1]["backend"] == "human"
    assert view["draft"]["decisions"][-1]["note"].startswith("采纳建议：最好 → 很好")
    last = client.post(f"/api/drafts/{draft_id}/apply-suggestion",
                       json=seen(client, draft_id, {"finding": 0}, auth(tokens, "lee")),
                       headers=auth(tokens, "lee")).json()
    assert last["draft"]["status"] == "pending_review" and "全网很好" in last["draft"]["text"]
    assert last["draft"]["check"]["findings"] == []  # clean now, but approving stays a deliberate action
    approved = client.post(f"/api/drafts/{draft_id}/approve", json=seen(client, draft_id, {}, auth(tokens, "lee")),
                           headers=auth(tokens, "lee")).json()
    assert approved["draft"]["status"] == "approved"


def test_approving_blocking_findings_needs_a_note(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    response = client.post(f"/api/drafts/{draft_id}/approve", json=seen(client, draft_id, {}, auth(tokens, "lee")),
                           headers=auth(tokens, "lee"))
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "GateFailed" and "blocking" in response.json()["error"]["problem"]
    ok = client.post(f"/api/drafts/{draft_id}/approve",
                     json=seen(client, draft_id, {"note": "品牌方确认"}, auth(tokens, "lee")),
                     headers=auth(tokens, "lee"))
    assert ok.status_code == 200 and ok.json()["draft"]["decisions"][-1]["note"] == "品牌方确认"


def test_retrying_an_approval_is_idempotent_but_others_get_409_with_current_state(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    body = {"note": "确认可以发", "expected_version": 1}
    first = client.post(f"/api/drafts/{draft_id}/approve", json=seen(client, draft_id, body, auth(tokens, "lee")),
                        headers=auth(tokens, "lee"))
    retry = client.post(f"/api/drafts/{draft_id}/approve", json=seen(client, draft_id, body, auth(tokens, "lee")),
                        headers=auth(tokens, "lee"))
    assert first.status_code == retry.status_code == 200
    assert retry.json()["draft"]["status"] == "approved" and len(retry.json()["draft"]["decisions"]) == 1
    for who, action, payload in (("wang", "approve", {"note": "确认可以发"}), ("lee", "reject", {"note": "改"}),
                                 ("wang", "edit", {"text": "新"})):
        conflict = client.post(f"/api/drafts/{draft_id}/{action}",
                               json=seen(client, draft_id, payload, auth(tokens, who)),
                               headers=auth(tokens, who))
        assert conflict.status_code == 409
        answer = conflict.json()
        assert "already approved by lee" in answer["error"]["problem"]
        assert answer["current"]["draft"]["status"] == "approved" and answer["current"]["version"] == 2


def test_stale_version_is_409_and_nothing_changes(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    client.post(f"/api/drafts/{draft_id}/reject", json=seen(client, draft_id, {"note": "改一下"}, auth(tokens, "lee")),
                headers=auth(tokens, "lee"))
    for action, body in (("approve", {"note": "确认可以发"}), ("reject", {"note": "再改"}), ("edit", {"text": "新"}),
                         ("apply-suggestion", {"finding": 0})):
        response = client.post(f"/api/drafts/{draft_id}/{action}", json={**body, "expected_version": 1},
                               headers=auth(tokens, "wang"))
        assert response.status_code == 409, action
        assert "changed since you loaded it" in response.json()["error"]["problem"]
        assert response.json()["current"]["version"] == 3
    assert client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()["version"] == 3


def test_edit_with_script_is_stored_as_text_and_escaped_on_pages(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    evil = "# 冷泡茶\n\n好喝<script>alert('x')</script><img src=x onerror=alert(1)>"
    response = client.post(f"/api/drafts/{draft_id}/edit",
                           json=seen(client, draft_id, {"text": evil, "note": "<b>note</b>"}, auth(tokens, "lee")),
                           headers=auth(tokens, "lee"))
    assert response.status_code == 200 and response.json()["draft"]["text"] == evil
    client.post("/api/session", json={"token": tokens["root"]})
    for page in (f"/review/{draft_id}", "/review", "/admin"):
        html = client.get(page).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>note</b>" not in html, page
    assert "&lt;script&gt;alert(" in client.get(f"/review/{draft_id}").text
    wechat = client.get(f"/api/drafts/{draft_id}/export?format=wechat", headers=auth(tokens, "lee")).text
    assert "<script>" not in wechat and "<img" not in wechat


# ---- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reject", {"note": "   "}, None),
        ("reject", {}, None),
        ("edit", {"text": ""}, None),
        ("edit", {"text": "   \n "}, None),
        ("edit", {}, "body.text"),
        ("edit", {"text": "字" * 100_001}, "body.text"),
        ("edit", {"text": 5}, "body.text"),
        ("approve", {"note": "n" * 2001}, "body.note"),
        ("approve", {"expected_version": "soon"}, "body.expected_version"),
        ("approve", {"note": "确认可以发", "expected_version": None}, "body.expected_version"),  # never implied
        ("apply-suggestion", {"finding": -1}, "body.finding"),
        ("apply-suggestion", {}, "body.finding"),
    ],
)
def test_bad_decisions_are_422_with_the_field_and_lose_nothing(
    client: TestClient, tokens: dict[str, str], draft_id: str, action: str, body: Any, field: str | None
) -> None:
    body = {"expected_version": 1, **body}  # the version is present unless the case is about it
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post(f"/api/drafts/{draft_id}/{action}", json=body, headers=auth(tokens, "lee"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["problem"] and error["fix"]
    if field:
        assert field in [f["field"] for f in error["fields"]]
        assert "字" * 100 not in response.text  # the input is not echoed back
    no_trace(response)
    view = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()
    assert view["draft"]["status"] == "pending_review" and view["version"] == 1


def test_a_10_mb_edit_is_refused_before_it_reaches_the_workflow(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    huge = json.dumps({"text": "冷" * (10 * 1024 * 1024 // 3)})
    response = client.post(f"/api/drafts/{draft_id}/edit", content=huge,
                           headers={**auth(tokens, "lee"), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]["problem"]
    view = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()
    assert view["draft"]["status"] == "pending_review" and view["version"] == 1
    ok = client.post(f"/api/drafts/{draft_id}/reject",
                     json=seen(client, draft_id, {"note": "still works"}, auth(tokens, "lee")),
                     headers=auth(tokens, "lee"))
    assert ok.status_code == 200


def test_malformed_json_is_422(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    response = client.post(f"/api/drafts/{draft_id}/approve", content=b"{not json",
                           headers={**auth(tokens, "lee"), "Content-Type": "application/json"})
    assert response.status_code == 422
    no_trace(response)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"kind": "draft", "briefs": [{"platform": "myspace", "topic": "t"}]}, "Unknown platform"),
        ({"kind": "draft", "briefs": []}, "at least one brief"),
        ({"kind": "adapt", "briefs": [{"platform": "weibo", "topic": "t"}]}, "original piece"),
        ({"kind": "plan"}, "plan parameters"),
        ({"kind": "poem", "briefs": []}, "body.kind"),
        ({"kind": "draft", "briefs": [{"platform": "weibo", "topic": ""}]}, "body.briefs.0.topic"),
        ({"kind": "plan", "plan": {"brief": "b", "platforms": ["weibo"], "start": "2026-12-01", "days": 0}},
         "body.plan.days"),
        ({"kind": "plan", "plan": {"brief": "b", "platforms": ["weibo"], "start": "2026-11-01"}}, "in the past"),
    ],
)
def test_bad_submissions_are_422(client: TestClient, tokens: dict[str, str], body: Any, needle: str) -> None:
    response = client.post("/api/requests", json=body, headers=auth(tokens, "ops"))
    assert response.status_code == 422
    assert needle in response.text
    assert client.get("/api/requests", headers=auth(tokens, "ops")).json() == []


def test_an_unexpected_error_is_500_without_a_stack_trace(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = client.app.state.desk  # type: ignore[attr-defined]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(desk.service, "list_drafts", broken)
    safe = TestClient(client.app, raise_server_exceptions=False)
    response = safe.get("/api/drafts", headers=auth(tokens, "lee"))
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "InternalError"
    assert "secret" not in response.text
    no_trace(response)


# ---- requests and progress -----------------------------------------------------------------------


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_submit_streams_progress_node_by_node_then_the_drafts(client: TestClient, tokens: dict[str, str]) -> None:
    briefs = [{"platform": "小红书", "topic": "冷泡茶"}, {"platform": "weibo", "topic": "冷泡茶"}]
    body = {"kind": "draft", "briefs": briefs}
    accepted = client.post("/api/requests", json=body, headers=auth(tokens, "ops"))
    assert accepted.status_code == 202
    request_id = accepted.json()["request_id"]
    with client.stream("GET", accepted.json()["events"], headers=auth(tokens, "ops")) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream.read().decode())
    nodes = [e["node"] for kind, e in events if kind == "node"]
    assert nodes[0] == "route" and nodes.count("writer") == 2 and nodes.count("gate") == 2
    assert nodes.count("__interrupt__") == 2  # one per draft, not repeated at the request level
    assert {e.get("branch") for kind, e in events if kind == "node" and e["node"] == "writer"} == {1, 2}
    gate = next(e for kind, e in events if kind == "node" and e["node"] == "gate")
    assert gate["detail"] == "阻断 2 · 警告 0 · 提示 0"
    kind, done = events[-1]
    assert kind == "done" and done["status"] == "pending_review"
    assert [d["platform"] for d in done["drafts"]] == ["xiaohongshu", "weibo"]
    view = client.get(f"/api/requests/{request_id}", headers=auth(tokens, "lee")).json()
    assert view["request"]["status"] == "pending_review" and view["request"]["requested_by"] == "ops"
    assert {d["status"] for d in view["drafts"]} == {"pending_review"}
    listed = client.get("/api/requests", headers=auth(tokens, "lee")).json()
    assert [r["id"] for r in listed] == [request_id]
    # a late subscriber replays the whole run
    replay = sse_events(client.get(accepted.json()["events"], headers=auth(tokens, "ops")).text)
    assert replay == events


def test_plan_request_drafts_first_items_and_plan_is_readable(client: TestClient, tokens: dict[str, str]) -> None:
    body = {"kind": "plan", "draft_first": 1,
            "plan": {"brief": "双12冷泡茶", "platforms": ["小红书", "公众号"], "start": str(date(2026, 12, 1))}}
    outcome = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, "root")).json()
    plan = client.get(f"/api/plans/{outcome['plan']['id']}", headers=auth(tokens, "lee")).json()
    assert plan["platforms"] == ["xiaohongshu", "wechat"] and len(plan["items"]) == 4
    assert [d["plan_item_id"] for d in outcome["drafts"]] == [plan["items"][0]["id"]]


def test_resume_refuses_a_request_that_did_not_fail(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    request_id = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "ops")).json()["draft"]["request_id"]
    response = client.post(f"/api/requests/{request_id}/resume", headers=auth(tokens, "ops"))
    assert response.status_code == 409 and "not failed" in response.json()["error"]["problem"]


def test_events_of_a_request_run_elsewhere_report_its_state(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    request_id = draft_id[1:].rsplit("-", 1)[0]
    events = sse_events(client.get(f"/api/requests/{request_id}/events", headers=auth(tokens, "lee")).text)
    assert events == [("done", {"type": "done", "request_id": request_id, "status": "pending_review", "plan_id": None,
                                "drafts": [{"id": draft_id, "platform": "weibo", "platform_name": "微博",
                                            "topic": "冷泡茶怎么泡", "status": "pending_review"}]})]


# ---- exports, audit, users -----------------------------------------------------------------------


def test_exports_of_an_approved_draft(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    pending = client.get(f"/api/drafts/{draft_id}/export?format=markdown", headers=auth(tokens, "lee"))
    assert pending.status_code == 409 and "only approved" in pending.json()["error"]["problem"]
    lee = auth(tokens, "lee")
    body = seen(client, draft_id, {"note": "确认可以发"}, lee)
    client.post(f"/api/drafts/{draft_id}/approve", json=body, headers=lee)
    wechat = client.get(f"/api/drafts/{draft_id}/export?format=wechat", headers=auth(tokens, "ops"))
    assert wechat.headers["content-type"].startswith("text/html")
    assert f'filename="{draft_id}.html"' in wechat.headers["content-disposition"]
    assert 'style="' in wechat.text and "最好" in wechat.text
    text = client.get(f"/api/drafts/{draft_id}/export?format=text", headers=auth(tokens, "ops"))
    assert text.headers["content-type"].startswith("text/plain")
    # The writer's draft carries topics its approved text never showed: the export adds none of them.
    pasted, notes = text.text.split(f"\n{NOTES_RULE}\n")
    assert "#冷泡茶" not in pasted and pasted.rstrip().endswith("不苦不涩")
    assert "微博" in notes and "内容由AI生成" in notes  # the publisher is told which declaration to set
    md = client.get(f"/api/drafts/{draft_id}/export?format=markdown", headers=auth(tokens, "ops"))
    assert md.text.startswith("# 冷泡茶怎么泡") and "**不苦不涩**" in md.text
    bad = client.get(f"/api/drafts/{draft_id}/export?format=pdf", headers=auth(tokens, "ops"))
    assert bad.status_code == 422 and "query.format" in bad.text


def test_audit_records_who_did_what_with_text_hashes(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    from nmo.schemas import text_hash

    before = client.get(f"/api/drafts/{draft_id}", headers=auth(tokens, "lee")).json()["draft"]["text"]
    after = client.post(f"/api/drafts/{draft_id}/apply-suggestion",
                        json=seen(client, draft_id, {"finding": 1}, auth(tokens, "wang")),
                        headers=auth(tokens, "wang")).json()["draft"]["text"]
    client.post(f"/api/drafts/{draft_id}/reject", json=seen(client, draft_id, {"note": "再改"}, auth(tokens, "lee")),
                headers=auth(tokens, "lee"))
    entries = client.get("/api/audit", headers=auth(tokens, "root")).json()
    assert [(e["actor"], e["action"]) for e in entries] == [("lee", "reject"), ("wang", "edit"), ("ops", "submit")]
    edit = entries[1]
    assert edit["draft_id"] == draft_id and edit["hash_before"] == text_hash(before)
    assert edit["hash_after"] == text_hash(after) and edit["status_after"] == "pending_review"
    only = client.get(f"/api/audit?actor=wang&draft_id={draft_id}", headers=auth(tokens, "root")).json()
    assert [e["action"] for e in only] == ["edit"]


def test_admin_creates_a_user_whose_token_works(client: TestClient, tokens: dict[str, str]) -> None:
    created = client.post("/api/users", json={"name": "zhao", "role": "reviewer"}, headers=auth(tokens, "root"))
    assert created.status_code == 201
    token = created.json()["token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["user"]["name"] == "zhao"
    again = client.post("/api/users", json={"name": "zhao", "role": "admin"}, headers=auth(tokens, "root"))
    assert again.status_code == 409
    bad = client.post("/api/users", json={"name": "zhao", "role": "boss"}, headers=auth(tokens, "root"))
    assert bad.status_code == 422 and "body.role" in bad.text
    assert client.get("/api/audit", headers=auth(tokens, "root")).json()[0]["action"] == "user_add"


# ---- pages and docs ------------------------------------------------------------------------------


def test_pages_need_a_login_and_the_session_cookie_is_strict(client: TestClient, tokens: dict[str, str]) -> None:
    for page in ("/", "/review", "/review/x", "/operate", "/admin"):
        response = client.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert "API 令牌" in client.get("/login").text
    bad = client.post("/api/session", json={"token": "nmo_wrong"})
    assert bad.status_code == 401
    login = client.post("/api/session", json={"token": tokens["lee"]})
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/", follow_redirects=False).headers["location"] == "/review"
    assert client.delete("/api/session", headers={"Origin": "http://testserver"}).status_code == 200
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_review_pages_show_queue_highlights_and_actions(
    client: TestClient, tokens: dict[str, str], draft_id: str
) -> None:
    client.post("/api/session", json={"token": tokens["lee"]})
    queue = client.get("/review").text
    assert draft_id in queue and "冷泡茶怎么泡" in queue and "微博" in queue and 'class="badge blocking"' in queue
    page = client.get(f"/review/{draft_id}").text
    assert page.count('class="finding-mark sev-blocking"') == 2
    assert 'id="approve"' in page and 'id="reject"' in page and "采纳" in page
    assert "山岚茶事品牌手册" in page and "冷泡方法" in page
    missing = client.get("/review/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "出错了" in missing.text
    denied = client.get("/admin", headers={"Accept": "text/html"})
    assert denied.status_code == 403 and "permission" in denied.text


def test_operator_and_admin_pages(client: TestClient, tokens: dict[str, str], draft_id: str) -> None:
    client.post("/api/session", json={"token": tokens["ops"]})
    assert client.get("/", follow_redirects=False).headers["location"] == "/operate"
    operate = client.get("/operate").text
    assert 'id="submit-form"' in operate and "小红书" in operate and "待审核" in operate
    from nmo.schemas import GOAL_LABELS, GOALS

    assert all(f'<option value="{goal}">{GOAL_LABELS[goal]}</option>' in operate for goal in GOALS)
    client.post("/api/session", json={"token": tokens["root"]})
    admin = client.get("/admin").text
    assert "审计日志" in admin and "ops" in admin and "完整" in admin


def test_docs_and_assets_are_served_locally(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "https://" not in docs
    for asset in ("/static/desk.css", "/static/desk.js", "/static/draft.js", "/static/operate.js"):
        assert client.get(asset).status_code == 200, asset
    schema = client.get("/openapi.json").json()
    assert {"/api/drafts/{draft_id}/approve", "/api/drafts/{draft_id}/apply-suggestion", "/api/requests",
            "/api/requests/{request_id}/events", "/api/audit"} <= set(schema["paths"])
    for page in ("/review", "/login", "/operate"):
        assert page not in schema["paths"]


def test_plan_items_are_drafted_by_id_and_the_plan_page_tracks_them(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = {"kind": "plan", "plan": {"brief": "双12冷泡茶", "platforms": ["weibo"], "start": "2026-12-01"}}
    plan = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, "ops")).json()["plan"]
    item = plan["items"][1]
    drafted = client.post("/api/requests?wait=true", json={"kind": "draft", "plan_items": [item["id"]]},
                          headers=auth(tokens, "ops")).json()["drafts"][0]
    assert drafted["plan_item_id"] == item["id"] and drafted["topic"] == item["topic"]
    missing = client.post("/api/requests", json={"kind": "draft", "plan_items": [plan["id"] + "-99"]},
                          headers=auth(tokens, "ops"))
    assert missing.status_code == 404 and f"no item '{plan['id']}-99'" in missing.json()["error"]["problem"]
    client.post("/api/session", json={"token": tokens["ops"]})
    page = client.get(f"/plans/{plan['id']}").text
    assert item["topic"] in page and f'/review/{drafted["draft_id"]}' in page
    assert page.count('class="small draft-item"') == len(plan["items"]) - 1


def test_a_whole_draft_finding_is_listed_above_the_text_not_as_an_empty_highlight(
    settings: Settings, tokens: dict[str, str]
) -> None:
    factory = fake_service_factory(settings, whole_draft="开头三秒没有钩子")
    with TestClient(create_app(settings, factory)) as client:
        body = {"kind": "draft", "briefs": [{"platform": "douyin", "topic": "冷泡茶"}]}
        draft_id = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, "ops")).json()[
            "drafts"][0]["draft_id"]
        client.post("/api/session", json={"token": tokens["lee"]})
        page = client.get(f"/review/{draft_id}").text
    listed = page.split('id="whole-draft"', 1)[1].split("</ul>", 1)[0]
    assert "整篇" in listed and "开头三秒没有钩子" in listed
    assert '<span class="pos mono">整篇</span>' in page
