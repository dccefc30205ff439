"""Two reviewers at once: exactly one decision wins, the others get a conflict with the current state."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nmo.audit import AuditLog
from nmo.config import Settings
from nmo.desk import DecisionInput, DraftView, ReviewDesk, StaleDecision, SubmitInput
from nmo.schemas import DraftBrief
from nmo.users import UserStore, desk_db_path

from tests.web_support import fake_service_factory

REVIEWERS = [f"r{n}" for n in range(8)]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[ReviewDesk]:
    settings = Settings(home=tmp_path / "home", backend="offline")
    with fake_service_factory(settings)() as service:
        db = desk_db_path(settings.home)
        users = UserStore(db)
        users.add("ops", "operator")
        for name in REVIEWERS:
            users.add(name, "reviewer")
        yield ReviewDesk(service, users, AuditLog(db))


def submit_one(desk: ReviewDesk) -> str:
    ops = desk.users.get("ops")
    request = desk.accept(ops, SubmitInput(kind="draft", briefs=[DraftBrief(platform="weibo", topic="冷泡茶")]))
    return desk.run(request).drafts[0].draft_id


def race(calls: list[Callable[[], DraftView]]) -> tuple[list[DraftView], list[StaleDecision]]:
    barrier = threading.Barrier(len(calls))
    wins: list[DraftView] = []
    conflicts: list[StaleDecision] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], DraftView]) -> None:
        barrier.wait()
        try:
            wins.append(call())
        except StaleDecision as conflict:
            conflicts.append(conflict)
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return wins, conflicts


def test_parallel_approve_and_reject_have_exactly_one_winner(desk: ReviewDesk) -> None:
    draft_id = submit_one(desk)
    calls: list[Callable[[], Any]] = []
    for n, name in enumerate(REVIEWERS):
        user = desk.users.get(name)
        decision = (DecisionInput(action="approve", note="确认可以发", expected_version=1) if n % 2 == 0
                    else DecisionInput(action="reject", note=f"{name} 要求修改", expected_version=1))
        calls.append(lambda user=user, decision=decision: desk.decide(user, draft_id, decision))
    wins, conflicts = race(calls)
    assert len(wins) == 1 and len(conflicts) == len(REVIEWERS) - 1
    final = desk.service.get_draft(draft_id)
    assert len(final.decisions) == 1
    winner = final.decisions[0]
    assert final.status == ("approved" if winner.action == "approve" else "pending_review")
    for conflict in conflicts:
        assert conflict.http_status == 409
        assert conflict.current.draft_id == draft_id and len(conflict.current.decisions) == 1
    audit = desk.audit.entries(draft_id=draft_id)
    assert [(e.actor, e.action) for e in audit] == [(winner.by, winner.action)]


def test_parallel_retries_of_one_approval_all_succeed_once(desk: ReviewDesk) -> None:
    draft_id = submit_one(desk)
    lee = desk.users.get("r0")
    decision = DecisionInput(action="approve", note="确认可以发", expected_version=1)
    wins, conflicts = race([lambda: desk.decide(lee, draft_id, decision) for _ in range(6)])
    assert len(wins) == 6 and not conflicts
    assert {w.draft.status for w in wins} == {"approved"}
    assert len(desk.service.get_draft(draft_id).decisions) == 1
    assert len(desk.audit.entries(draft_id=draft_id)) == 1


def test_the_audit_log_attaches_once_per_file(desk: ReviewDesk) -> None:
    again = AuditLog(desk.audit.path)
    again.attach(desk.service)
    ReviewDesk(desk.service, desk.users, again)
    draft_id = submit_one(desk)
    desk.decide(desk.users.get("r0"), draft_id, DecisionInput(action="reject", note="改", expected_version=1))
    assert len(desk.audit.entries(draft_id=draft_id)) == 1
