"""A run whose process is killed (SIGKILL) mid-run is not stuck 'running': it can be resumed from its checkpoint."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from nmo.checkpoints import open_checkpointer
from nmo.config import Settings
from nmo.errors import ConflictError
from nmo.graph import WorkflowContext, compile_graph
from nmo.registry import Registry
from nmo.service import WorkflowService

from tests.fakes import EchoWriter, StaticPlanner, TermGate

HANGING_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from nmo.checkpoints import open_checkpointer
    from nmo.config import Settings
    from nmo.graph import WorkflowContext, compile_graph
    from nmo.registry import Registry
    from nmo.schemas import DraftBrief
    from nmo.service import WorkflowService
    from nmo.state import WorkflowRequest
    from tests.fakes import EchoWriter, StaticPlanner, TermGate

    class HangingWriter(EchoWriter):
        def write(self, brief, revision=None):
            print("writing", flush=True)
            time.sleep(600)

    home = Path(sys.argv[1])
    settings = Settings(home=home, backend="offline")
    with open_checkpointer(settings) as saver:
        service = WorkflowService(
            compile_graph(saver), Registry(settings.registry_path),
            lambda: WorkflowContext(planner=StaticPlanner(), writer=HangingWriter(), gate=TermGate(), max_revisions=0),
            home / "locks", clock=settings.clock,
        )
        service.submit(WorkflowRequest(id="kil001", kind="draft", requested_by="ops",
                                       briefs=[DraftBrief(platform="weibo", topic="冷泡茶")]))
    """
)


def open_service(settings: Settings, saver: object) -> WorkflowService:
    service = WorkflowService(
        compile_graph(saver), Registry(settings.registry_path),  # type: ignore[arg-type]
        lambda: WorkflowContext(planner=StaticPlanner(), writer=EchoWriter(), gate=TermGate(), max_revisions=0),
        settings.home / "locks", clock=settings.clock,
    )
    service.stale_after_s = 0  # the test kills the run itself; no need to wait for the grace period
    return service


def test_a_killed_run_is_resumed_and_a_live_one_is_not(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", backend="offline")
    root = Path(__file__).resolve().parents[2]
    run = subprocess.Popen([sys.executable, "-c", HANGING_RUN, str(settings.home)], cwd=root,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "writing", run.stderr
        with open_checkpointer(settings) as saver:
            service = open_service(settings, saver)
            with pytest.raises(ConflictError, match="still running"):
                service.resume_request("kil001")  # its process is alive and holds the request
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=30)
            assert service.registry.get_request("kil001").status == "running"  # type: ignore[union-attr]
            outcome = service.resume_request("kil001")
        assert outcome.status == "pending_review"
        assert [d.draft_id for d in outcome.drafts] == ["Dkil001-1"]
        assert service.registry.get_request("kil001").status == "pending_review"  # type: ignore[union-attr]
    finally:
        run.kill()
        run.wait(timeout=30)
