"""Offline revision against the real gate: a draft blocked for ad-law, health and platform terms passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.checks.gate import build_gate
from nmo.config import Settings
from nmo.prompts import PromptLibrary
from nmo.render import render_draft
from nmo.schemas import DraftBrief, RevisionRequest
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import KNOWLEDGE, folder_knowledge_base


@pytest.fixture(scope="module")
def gate():  # type: ignore[no-untyped-def]
    return build_gate(Settings(home=Path("/nonexistent-nmo-home"), knowledge_dir=KNOWLEDGE))


@pytest.mark.parametrize("platform", ["xiaohongshu", "wechat", "douyin", "weibo"])
def test_revision_clears_blocking_findings(gate, platform: str) -> None:  # type: ignore[no-untyped-def]
    writer = KnowledgeWriter(folder_knowledge_base(), None, PromptLibrary.load())
    brief = DraftBrief(platform=platform, topic="白桃乌龙冰水冷泡的真实体验")
    draft = writer.write(brief)
    assert gate.check(draft.text, platform=platform, content=draft.content).passed
    spoiled = draft.content.model_copy(
        update={
            "title": "最好喝的白桃乌龙",
            "body": draft.content.body + "\n全网最低，喝了还能减肥，想要的加微信。",
        }
    )
    text = render_draft(spoiled, platform)
    result = gate.check(text, platform=platform, content=spoiled)
    assert not result.passed
    revised = writer.write(
        brief, RevisionRequest(previous=spoiled, previous_text=text, findings=result.findings, round=1)
    )
    after = gate.check(revised.text, platform=platform, content=revised.content)
    assert after.passed, [f.rule_id for f in after.findings if f.blocking]
    assert "最好喝" not in revised.text and "减肥" not in revised.text
    assert revised.content.changes
