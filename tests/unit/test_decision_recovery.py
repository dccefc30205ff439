"""Crash windows in a decision (issue 14 item 4): a process killed between the checkpoint write and the
registry write, or between the registry and the audit log, leaves nothing stuck and nothing unrecorded —
the next start (or the next decision on the draft) reconciles both from the checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.audit import AuditLog
from nmo.config import Settings
from nmo.errors import ConflictError
from nmo.schemas import DraftBrief, ReviewDecision
from nmo.service import WorkflowService
from nmo.state import WorkflowRequest

from tests.web_support import fake_service_factory


class Killed(BaseException):
    """Stands in for SIGKILL at one point of a decision (nothing after it runs)."""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", backend="offline", four_eyes=False)


def _pending_draft(service: WorkflowService) -> str:
    outcome = service.submit(WorkflowRequest(id="cw0001", kind="draft", requested_by="ops",
                                             briefs=[DraftBrief(platform="weibo", topic="冷泡茶怎么泡")]))
    return outcome.drafts[0].draft_id


def test_killed_after_the_checkpoint_write_the_registry_is_repaired(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = fake_service_factory(settings, blocked=())
    with factory() as service:
        draft_id = _pending_draft(service)

        def killed(request_id: str) -> None:
            raise Killed

        monkeypatch.setattr(service, "sync", killed)
        with pytest.raises(Killed):
            service.decide(draft_id, ReviewDecision(action="approve", by="lee", note="可以发"), expected_version=1)
        monkeypatch.undo()
        assert service.get_draft(draft_id).status == "pending_review"  # the registry fell behind
        with pytest.raises(ConflictError, match="is approved by lee"):  # not "stuck": it says what happened
            service.decide(draft_id, ReviewDecision(action="reject", by="wang", note="再改"), expected_version=1)
        assert service.get_draft(draft_id).status == "approved"


def test_the_next_start_repairs_the_registry_and_records_the_missing_audit_entry(settings: Settings) -> None:
    factory = fake_service_factory(settings, blocked=())
    log = AuditLog(settings.home / "desk.sqlite")
    with factory() as service:
        draft_id = _pending_draft(service)

        def killed_before_the_log(*_: object) -> None:
            raise Killed

        service.decision_observers.append(killed_before_the_log)
        with pytest.raises(Killed):
            service.decide(draft_id, ReviewDecision(action="approve", by="lee", note="可以发"), expected_version=1)
    assert log.entries(draft_id=draft_id) == []  # approved, but the log never heard of it
    with factory() as service:
        assert service.reconcile() == []  # the registry was already in line
        added = log.reconcile(service)
        assert [(e.actor, e.action, e.status_after) for e in added] == [("lee", "approve", "approved")]
        assert "补记" in added[0].note and "可以发" in added[0].note
        assert log.reconcile(service) == []  # idempotent
    assert log.verify().intact


def test_reconcile_at_start_moves_a_stale_pending_draft(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = fake_service_factory(settings, blocked=())
    with factory() as service:
        draft_id = _pending_draft(service)
        real_sync = service.sync

        def killed(request_id: str) -> None:
            raise Killed

        monkeypatch.setattr(service, "sync", killed)
        with pytest.raises(Killed):
            service.decide(draft_id, ReviewDecision(action="approve", by="lee", note="可以发"), expected_version=1)
        monkeypatch.setattr(service, "sync", real_sync)
    with factory() as service:
        assert service.reconcile() == [draft_id]
        assert service.get_draft(draft_id).status == "approved"
        assert service.reconcile() == []
