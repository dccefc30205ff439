"""Parallel approve/reject requests on one draft against a real uvicorn server: one 200, the rest 409."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nmo.config import Settings
from nmo.users import UserStore, desk_db_path
from nmo.web.app import create_app

from tests.web_support import fake_service_factory, running_server

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    settings = Settings(home=tmp_path / "home", backend="offline")
    store = UserStore(desk_db_path(settings.home))
    tokens = {"ops": store.add("ops", "operator")[1]}
    tokens |= {f"r{n}": store.add(f"r{n}", "reviewer")[1] for n in range(8)}
    with running_server(create_app(settings, fake_service_factory(settings))) as base_url:
        yield base_url, tokens


def parallel(requests: list[tuple[str, str, dict[str, Any]]], base_url: str) -> list[httpx.Response]:
    barrier = threading.Barrier(len(requests))
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send(token: str, path: str, body: dict[str, Any]) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            barrier.wait()
            response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=send, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def new_draft(base_url: str, tokens: dict[str, str]) -> str:
    body = {"kind": "draft", "briefs": [{"platform": "weibo", "topic": "冷泡茶"}]}
    outcome = httpx.post(f"{base_url}/api/requests?wait=true", json=body, timeout=60,
                         headers={"Authorization": f"Bearer {tokens['ops']}"}).json()
    draft_id: str = outcome["drafts"][0]["draft_id"]
    return draft_id


def test_parallel_approve_and_reject_over_http(server: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = server
    draft_id = new_draft(base_url, tokens)
    requests = []
    for n in range(8):
        action, body = ("approve", {"note": "确认可以发"}) if n % 2 else ("reject", {"note": f"r{n} 要求修改"})
        requests.append((tokens[f"r{n}"], f"/api/drafts/{draft_id}/{action}", {**body, "expected_version": 1}))
    responses = parallel(requests, base_url)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 7
    winner = next(r.json() for r in responses if r.status_code == 200)
    for loser in (r.json() for r in responses if r.status_code == 409):
        assert loser["error"]["problem"] and loser["current"]["draft"]["draft_id"] == draft_id
        assert len(loser["current"]["draft"]["decisions"]) == 1
    final = httpx.get(f"{base_url}/api/drafts/{draft_id}", headers={"Authorization": f"Bearer {tokens['r0']}"}).json()
    assert final["draft"]["decisions"] == winner["draft"]["decisions"]


def test_parallel_retries_of_one_approval_over_http(server: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = server
    draft_id = new_draft(base_url, tokens)
    body = {"note": "确认可以发", "expected_version": 1}  # five retries of one decision on the version read
    responses = parallel([(tokens["r1"], f"/api/drafts/{draft_id}/approve", body)] * 5, base_url)
    assert [r.status_code for r in responses] == [200] * 5
    assert all(len(r.json()["draft"]["decisions"]) == 1 for r in responses)
