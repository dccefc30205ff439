"""The spine as a user drives it: separate `nmo` processes over one NMO_HOME, real index and gate, offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def nmo(home: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NMO_HOME": str(home), "NMO_BACKEND": "offline", "NMO_REQUESTER": "运营小林",
           "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "nmo.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300, check=False)
    assert done.returncode == expect, f"nmo {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("nmo-home")
    nmo(home, "kb", "ingest", "knowledge", "--json")
    return home


def test_draft_is_gated_and_waits_for_review_then_reject_and_approve(home: Path) -> None:
    outcome = as_json(nmo(home, "draft", "--platform", "weibo", "--topic", "冬天怎么喝冷泡茶", "--json"))
    draft = outcome["drafts"][0]
    assert draft["status"] == "pending_review" and draft["check"] is not None
    assert draft["backend"] == "offline" and draft["platform"] == "weibo"
    draft_id = draft["draft_id"]

    queue = as_json(nmo(home, "review", "list", "--json"))
    assert draft_id in [row["id"] for row in queue]

    shown = nmo(home, "review", "show", draft_id)
    assert draft_id in shown.stdout and "nmo review approve" in shown.stdout

    assert "--expected-version 1" in shown.stdout  # the commands shown name the version on screen
    rejected = as_json(nmo(home, "review", "reject", draft_id, "--by", "审核老王", "--note", "开头加一句冬天也能喝",
                           "--expected-version", "1", "--json"))
    assert rejected["status"] == "pending_review"
    assert len(rejected["revisions"]) >= 2
    assert rejected["revisions"][-1]["check"] is not None
    assert "审核老王" in json.dumps(rejected["decisions"], ensure_ascii=False)

    seen = str(len(rejected["revisions"]) + len(rejected["decisions"]))
    approved = as_json(nmo(home, "review", "approve", draft_id, "--by", "审核老王", "--note", "可以发",
                           "--expected-version", seen, "--json"))
    assert approved["status"] == "approved"

    again = nmo(home, "review", "approve", draft_id, "--by", "审核老王", "--expected-version", seen, expect=2)
    assert "already approved" in again.stderr
    assert as_json(nmo(home, "review", "show", draft_id, "--json"))["status"] == "approved"


def test_plan_items_can_be_drafted_later_from_another_process(home: Path) -> None:
    outcome = as_json(nmo(home, "plan", "--brief", "双12冷泡茶促销", "--platforms", "xiaohongshu,douyin",
                          "--days", "14", "--json"))
    plan = outcome["plan"]
    assert plan["items"] and outcome["drafts"] == []
    item = plan["items"][0]
    drafted = as_json(nmo(home, "draft", "--platform", item["platform"], "--plan-item", item["id"], "--json"))
    assert drafted["drafts"][0]["plan_item_id"] == item["id"]


def test_edit_from_a_file_is_checked_again(home: Path, tmp_path: Path) -> None:
    outcome = as_json(nmo(home, "draft", "--platform", "xiaohongshu", "--topic", "办公室冷泡茶", "--json"))
    draft_id = outcome["drafts"][0]["draft_id"]
    edited = tmp_path / "edited.md"
    edited.write_text("# 全网第一的冷泡茶\n\n喝了能减肥。\n", "utf-8")
    still = as_json(nmo(home, "review", "edit", draft_id, "--file", str(edited), "--by", "审核老王",
                        "--expected-version", "1", "--json"))
    assert still["status"] == "pending_review"
    assert any(f["severity"] == "blocking" for f in still["check"]["findings"])
    edited.write_text("# 办公室冷泡茶\n\n上班前把茶包放进冷水，午休就能喝。\n", "utf-8")
    seen = str(len(still["revisions"]) + len(still["decisions"]))
    done = as_json(nmo(home, "review", "edit", draft_id, "--file", str(edited), "--by", "审核老王",
                       "--expected-version", seen, "--json"))
    assert done["status"] == "approved" and done["text"].startswith("# 办公室冷泡茶")


def test_unreachable_llm_endpoint_is_a_clear_error_and_the_run_can_resume(home: Path) -> None:
    env = {**os.environ, "NMO_HOME": str(home), "NMO_BACKEND": "llm", "NMO_LLM_BASE_URL": "http://127.0.0.1:9/v1",
           "NMO_LLM_API_KEY": "test", "NMO_LLM_MAX_RETRIES": "0", "NMO_LLM_TIMEOUT_S": "2", "COLUMNS": "200"}
    before = as_json(nmo(home, "review", "list", "--status", "all", "--json"))
    done = subprocess.run([sys.executable, "-m", "nmo.cli", "draft", "--platform", "weibo", "--topic", "冷泡茶"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False)
    assert done.returncode == 2, done.stderr
    assert "Cannot reach the LLM endpoint" in done.stderr and "nmo resume" in done.stderr
    assert "Traceback" not in done.stderr
    assert as_json(nmo(home, "review", "list", "--status", "all", "--json")) == before  # nothing half-written
    request_id = done.stderr.split("nmo resume ")[1].split("`")[0].strip()
    resumed = as_json(nmo(home, "resume", request_id, "--json"))  # offline composer picks up where it stopped
    assert resumed["drafts"][0]["status"] == "pending_review"
