"""Errors a page can show are in Chinese, with advice that fits a page; the JSON API keeps English too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from nmo.config import Settings
from nmo.errors import NotFoundError
from nmo.web.app import create_app

from tests.conftest import PINNED_TODAY
from tests.web_support import fake_service_factory

CLI_WORDS = ("nmo ", "--", "Run ", "Pass ", "`")


class EmptyKnowledge:
    """A knowledge base with nothing ingested yet."""

    def count(self) -> int:
        return 0


def open_client(settings: Settings, **factory_options: object) -> TestClient:
    return TestClient(create_app(settings, fake_service_factory(settings, **factory_options)))  # type: ignore[arg-type]


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> Iterator[TestClient]:
    with open_client(settings) as test_client:
        yield test_client


def auth(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}"}


def error_of(response: object) -> dict[str, str]:
    error: dict[str, str] = response.json()["error"]  # type: ignore[attr-defined]
    return error


def assert_page_worthy(error: dict[str, str]) -> None:
    """Chinese problem and fix, no CLI advice, and the English pair still there for scripts."""
    assert error["problem"] and error["zh_problem"] and error["zh_fix"]
    page_text = error["zh_problem"] + error["zh_fix"]
    assert not any(word in page_text for word in CLI_WORDS), page_text


def test_a_plan_starting_in_the_past_says_which_day_to_pick_in_chinese(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = {"kind": "plan", "plan": {"brief": "双12冷泡茶", "platforms": ["weibo"], "start": "2026-11-01"}}
    response = client.post("/api/requests", json=body, headers=auth(tokens, "ops"))
    assert response.status_code == 422
    error = error_of(response)
    assert "in the past" in error["problem"] and "--from" in error["fix"]  # the API keeps the English pair
    assert "已经过去" in error["zh_problem"] and PINNED_TODAY in error["zh_fix"]
    assert_page_worthy(error)


def test_an_unknown_platform_lists_the_platforms_by_their_chinese_names(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = {"kind": "draft", "briefs": [{"platform": "myspace", "topic": "冷泡茶"}]}
    error = error_of(client.post("/api/requests", json=body, headers=auth(tokens, "ops")))
    assert "myspace" in error["zh_problem"] and "微博" in error["zh_fix"] and "小红书" in error["zh_fix"]
    assert_page_worthy(error)


def test_an_empty_knowledge_base_asks_an_admin_to_load_the_brand(settings: Settings, tokens: dict[str, str]) -> None:
    with open_client(settings, knowledge=EmptyKnowledge()) as client:
        body = {"kind": "draft", "briefs": [{"platform": "weibo", "topic": "冷泡茶"}]}
        response = client.post("/api/requests", json=body, headers=auth(tokens, "ops"))
        assert response.status_code == 503
        error = error_of(response)
        assert "nmo kb ingest" in error["fix"]
        assert "品牌资料" in error["zh_problem"] and error["zh_fix"].startswith("请管理员")
        assert client.get("/api/requests", headers=auth(tokens, "ops")).json() == []  # nothing stored


def test_a_stale_decision_says_who_decided_in_chinese(client: TestClient, tokens: dict[str, str]) -> None:
    body = {"kind": "draft", "briefs": [{"platform": "weibo", "topic": "冷泡茶"}]}
    draft_id = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, "ops")).json()["drafts"][0][
        "draft_id"]
    approved = client.post(f"/api/drafts/{draft_id}/approve", json={"note": "确认可发", "expected_version": 1},
                           headers=auth(tokens, "lee"))
    assert approved.is_success
    late = client.post(f"/api/drafts/{draft_id}/approve", json={"note": "也行", "expected_version": 1},
                       headers=auth(tokens, "wang"))  # wang read version 1 too
    assert late.status_code == 409
    error = error_of(late)
    assert "lee" in error["zh_problem"] and "通过" in error["zh_problem"] and "刷新" in error["zh_fix"]
    assert late.json()["current"]["draft"]["status"] == "approved"
    assert_page_worthy(error)
    rejected = client.post("/api/requests?wait=true", json=body, headers=auth(tokens, "ops")).json()
    no_note = client.post(f"/api/drafts/{rejected['drafts'][0]['draft_id']}/reject",
                          json={"note": " ", "expected_version": 1},
                          headers=auth(tokens, "lee"))
    assert no_note.status_code == 422 and "修改意见" in error_of(no_note)["zh_problem"]
    assert_page_worthy(error_of(no_note))


def test_a_page_shows_the_chinese_problem_and_fix_not_the_cli_advice(
    client: TestClient, tokens: dict[str, str]
) -> None:
    client.post("/api/session", json={"token": tokens["lee"]})
    page = client.get("/review/D-nothing", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "没有编号为 D-nothing 的稿件" in page.text and "审核队列" in page.text
    assert "nmo review list" not in page.text and "No draft" not in page.text


def test_an_error_without_chinese_text_still_reads_chinese_and_keeps_the_detail() -> None:
    problem, fix = NotFoundError("No widget 'w'.", "Run `nmo widgets`.").in_chinese()
    assert problem.startswith("找不到") and "No widget 'w'." in problem
    assert "nmo" not in fix and fix
