"""The same workflow on a real PostgreSQL checkpointer, chosen by settings alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.checkpoints import open_checkpointer
from nmo.config import Settings
from nmo.errors import StorageError
from nmo.graph import WorkflowContext, compile_graph
from nmo.registry import Registry
from nmo.schemas import DraftBrief, ReviewDecision
from nmo.service import WorkflowService
from nmo.state import WorkflowRequest

from tests.fakes import EchoWriter, StaticPlanner, TermGate
from tests.integration.postgres_server import free_port, running_postgres

pytestmark = pytest.mark.integration  # `make test` installs postgresql; a missing server fails the test


def service_for(settings: Settings, saver: object) -> WorkflowService:
    return WorkflowService(
        compile_graph(saver),  # type: ignore[arg-type]
        Registry(settings.registry_path),
        lambda: WorkflowContext(planner=StaticPlanner(), writer=EchoWriter(), gate=TermGate(), max_revisions=0),
        settings.home / "locks", clock=settings.clock,
    )


def test_review_survives_a_new_connection_on_postgres(tmp_path: Path) -> None:
    with running_postgres() as url:
        settings = Settings(home=tmp_path, checkpointer_url=url, backend="offline")
        with open_checkpointer(settings) as saver:
            outcome = service_for(settings, saver).submit(
                WorkflowRequest(id="pg0001", kind="draft", requested_by="ops",
                                briefs=[DraftBrief(platform="weibo", topic="冷泡茶")])
            )
        assert outcome.status == "pending_review"
        with open_checkpointer(settings) as saver:
            service = service_for(settings, saver)
            rejected = service.decide("Dpg0001-1", ReviewDecision(action="reject", by="lee", note="去掉绝对化用语"))
            assert rejected.status == "pending_review" and len(rejected.revisions) == 2
            approved = service.decide("Dpg0001-1", ReviewDecision(action="approve", by="lee"))
        assert approved.status == "approved"


def test_unreachable_postgres_is_a_storage_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, checkpointer_url=f"postgresql://nmo@127.0.0.1:{free_port()}/postgres")
    with pytest.raises(StorageError) as info, open_checkpointer(settings):
        pass
    assert "NMO_CHECKPOINTER_URL" in info.value.fix
