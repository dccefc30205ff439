"""A run interrupted at review in one process is resumed by another (state lives in the SQLite checkpointer)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from nmo.checkpoints import open_checkpointer
    from nmo.config import Settings
    from nmo.graph import WorkflowContext, compile_graph
    from nmo.registry import Registry
    from nmo.schemas import DraftBrief, ReviewDecision
    from nmo.service import WorkflowService
    from nmo.state import WorkflowRequest
    from tests.fakes import EchoWriter, StaticPlanner, TermGate

    home = Path(sys.argv[1]); step = sys.argv[2]
    settings = Settings(home=home, backend="offline")
    with open_checkpointer(settings) as saver:
        service = WorkflowService(
            compile_graph(saver), Registry(home / "nmo.sqlite"),
            lambda: WorkflowContext(planner=StaticPlanner(), writer=EchoWriter(), gate=TermGate(), max_revisions=0),
            home / "locks",
        )
        if step == "submit":
            out = service.submit(WorkflowRequest(id="xp0001", kind="draft", requested_by="ops",
                                                 briefs=[DraftBrief(platform="weibo", topic="冷泡茶")]))
            print(json.dumps({"status": out.status, "ids": [d.draft_id for d in out.drafts]}))
        elif step == "reject":
            rec = service.decide("Dxp0001-1", ReviewDecision(action="reject", by="lee", note="换掉绝对化用语"))
            print(json.dumps({"status": rec.status, "revisions": len(rec.revisions), "text": rec.text}))
        else:
            rec = service.decide("Dxp0001-1", ReviewDecision(action="approve", by="lee"))
            print(json.dumps({"status": rec.status, "decisions": [d.action for d in rec.decisions]}))
    """
)


def run_step(home: Path, step: str) -> dict[str, object]:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(home), step], capture_output=True, text=True, cwd=root, timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_interrupt_in_one_process_resume_in_others(tmp_path: Path) -> None:
    assert run_step(tmp_path, "submit") == {"status": "pending_review", "ids": ["Dxp0001-1"]}
    rejected = run_step(tmp_path, "reject")
    assert rejected["status"] == "pending_review" and rejected["revisions"] == 2
    assert "最好" not in str(rejected["text"])
    assert run_step(tmp_path, "approve") == {"status": "approved", "decisions": ["reject", "approve"]}
