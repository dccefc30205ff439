"""The platform table as the one registration per platform: complete at load, dispatched by shape, 视频号 as data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from nmo.composer.draft import SHAPES
from nmo.composer.formats import OUTPUT_MODELS, ShortVideoScript
from nmo.errors import UserInputError
from nmo.platforms import get_platform, load_table, parse_platforms, platform_keys, platform_table
from nmo.prompts import PromptLibrary
from nmo.render import render_draft
from nmo.resources import prompts_folder
from nmo.schemas import DraftBrief, RevisionRequest
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import folder_knowledge_base

TABLE_FILE = Path(__file__).resolve().parents[2] / "agents" / "nmo" / "data" / "platforms.yaml"
PACKAGE = Path(__file__).resolve().parents[2] / "agents" / "nmo"


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(TABLE_FILE.read_text("utf-8"))
    return raw


def _load(raw: dict[str, Any], prompts: Path | None = None) -> None:
    load_table(yaml.safe_dump(raw, allow_unicode=True), prompts or prompts_folder())


def test_the_shipped_table_is_complete_and_every_shape_has_a_composer_and_a_model() -> None:
    table = platform_table()
    assert "channels" in table.platforms
    for key, spec in table.platforms.items():
        assert spec.shape in SHAPES, f"{key}: the offline composer has no {spec.shape}"
        assert spec.shape_rules.output_model in OUTPUT_MODELS
        assert (prompts_folder() / "writer" / f"{spec.prompt}.md").is_file()
        assert all(part in spec.limits for part in spec.shape_rules.limited)
    assert set(SHAPES) == set(table.shapes), "a shape without an offline composer cannot be drafted"
    # The loaded prompt library validates every file's front matter, the new platform's included.
    assert PromptLibrary.load().get("writer", get_platform("视频号").prompt).meta.variables


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (lambda raw: raw["platforms"]["douyin"].update(shape="longform"), ["douyin", "unknown shape 'longform'"]),
        (lambda raw: raw["platforms"]["channels"].pop("shape"), ["channels", "no shape"]),
        (lambda raw: raw["platforms"]["channels"].update(prompt="shipinhao"),
         ["channels", "prompts/writer/shipinhao.md is missing"]),
        (lambda raw: raw["platforms"]["channels"]["limits"].pop("hook"), ["channels", "no limit for 'hook'"]),
        (lambda raw: raw["platforms"]["weibo"].pop("disclosure"), ["weibo", "disclosure"]),
        (lambda raw: raw["platforms"]["zhihu"].pop("plan_angle"), ["zhihu", "plan_angle"]),
        (lambda raw: raw["shapes"]["short_video"].update(output_model="ReelScript"),
         ["douyin", "ReelScript"]),
    ],
)
def test_an_incomplete_entry_fails_at_load_naming_the_platform_and_the_missing_piece(
    breakage: Any, named: list[str]
) -> None:
    raw = _raw()
    breakage(raw)
    with pytest.raises(UserInputError) as caught:
        _load(raw)
    assert all(word in str(caught.value) for word in named), str(caught.value)
    assert "platforms.yaml" in str(caught.value)


def test_no_code_dispatches_on_a_platform_key() -> None:
    keys = "|".join(re.escape(k) for k in platform_keys())
    # A dict keyed by name is dispatch when the names are platforms; shapes (the poster shape) are fine.
    only_keys = "|".join(re.escape(k) for k in platform_keys() if k not in platform_table().shapes)
    dispatch = re.compile(
        rf"""\b(?:\w+\.)*(?:key|platform)\s*(?:==|!=|not\s+in|in)\s*[(\[{{]?[^)\]}}\n]*["'](?:{keys})["']"""
        rf"""|^\s*["'](?:{only_keys})["']\s*:\s*_?[A-Za-z]\w*,\s*$""",
        re.MULTILINE,
    )
    found = [
        f"{path.relative_to(PACKAGE)}: {m.group().strip()}"
        for path in PACKAGE.rglob("*.py")
        for m in dispatch.finditer(path.read_text("utf-8"))
    ]
    assert found == []


def test_channels_is_found_by_its_names_and_takes_short_video_rules_from_the_table() -> None:
    for name in ("视频号", "微信视频号", "channels", "shipinhao"):
        assert get_platform(name).key == "channels"
    assert parse_platforms("视频号，抖音") == ["channels", "douyin"]
    spec = get_platform("视频号")
    assert spec.shape == get_platform("douyin").shape == "short_video"
    assert spec.requires == ["hook", "shots"]
    assert spec.format_hashtag("冷泡茶") == "#冷泡茶"
    assert "短标题 6–16 字" in spec.limits_text() and "描述不超过 1000 字" in spec.limits_text()
    assert all(limit.source for limit in spec.limits.values()), "every limit says where it comes from"


@pytest.fixture(scope="module")
def writer() -> KnowledgeWriter:
    return KnowledgeWriter(folder_knowledge_base(), None, PromptLibrary({}))


def test_the_offline_writer_drafts_a_channels_script_within_its_limits(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="视频号", topic="办公室没有冰箱怎么冷泡", variants=2))
    content = draft.content
    assert draft.backend == "offline" and content.hook and len(content.shots) >= 2
    assert 0 < len(content.title) <= 16 and len(content.body) <= 1000 and len(content.hashtags) <= 5
    assert content.shots[0].time == "0-3s"
    assert draft.text == render_draft(content, "channels")
    assert "| 时间 | 画面 | 口播 | 字幕 |" in draft.text
    if content.hashtags:
        assert f"#{content.hashtags[0]}" in draft.text and f"#{content.hashtags[0]}#" not in draft.text


def test_a_reviewer_asking_for_more_gets_a_new_shot_in_a_channels_script(writer: KnowledgeWriter) -> None:
    brief = DraftBrief(platform="channels", topic="办公室没有冰箱怎么冷泡")
    draft = writer.write(brief)
    revised = writer.write(brief, RevisionRequest(previous=draft.content, previous_text=draft.text,
                                                  note="补充保质期", round=1))
    assert len(revised.content.shots) == len(draft.content.shots) + 1
    assert "保质期" in revised.content.shots[-2].voiceover


class _Recorder:
    """A StructuredLLM that records which prompt and output model the writer used, then answers nothing."""

    backend_name = "recorder"

    def __init__(self) -> None:
        self.system = ""
        self.model: type | None = None

    def generate(self, messages: Any, output: type, *, passages: Any = ()) -> Any:
        self.system, self.model = messages[0].content, output
        raise UserInputError("recorded", "")


def test_the_llm_writer_takes_the_prompt_and_output_model_the_table_names(writer: KnowledgeWriter) -> None:
    recorder = _Recorder()
    llm_writer = KnowledgeWriter(writer.kb, recorder, PromptLibrary.load())  # type: ignore[arg-type]
    with pytest.raises(UserInputError, match="recorded"):
        llm_writer.write(DraftBrief(platform="微信视频号", topic="办公室没有冰箱怎么冷泡"))
    assert recorder.model is ShortVideoScript
    assert "微信视频号" in recorder.system and "短标题 6–16 字" in recorder.system


def test_synthetic_exports_label_platforms_from_the_table(tmp_path: Path) -> None:
    import pandas as pd
    from nmo.analyst.synthetic import synthetic_pieces, write_export

    frame = synthetic_pieces(60)
    videos = frame["platform"].map(lambda p: get_platform(p).shape in ("short_video", "video"))
    assert frame.loc[videos, "completion_rate"].notna().all() and frame.loc[~videos, "completion_rate"].isna().all()
    written = pd.read_csv(write_export(frame, tmp_path / "export.csv"), encoding="utf-8-sig")
    assert set(written["平台"]) == {get_platform(p).name for p in set(frame["platform"])}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于云栖 2 人轻量帐篷你该知道的事", "关于云栖 2 人轻量帐篷你该知道"),
        ("办公室没有冰箱怎么冷泡｜一条讲清楚", "办公室没有冰箱怎么冷泡"),
    ],
)
def test_an_over_long_short_title_is_revised_to_a_cut_title_not_to_an_instruction(title: str, expected: str) -> None:
    from nmo.checks.platform_rules import platform_findings
    from nmo.composer.revise import apply_findings
    from nmo.schemas import DraftContent, Shot

    content = DraftContent(title=title, hook="今天只讲一件事", body="帐篷很轻。", hashtags=["帐篷"],
                           shots=[Shot(time="0-3s", visual="近景", voiceover="帐篷很轻。", onscreen="轻")])
    text = render_draft(content, "channels")
    [finding] = [f for f in platform_findings(text, get_platform("视频号"), content) if f.blocking]
    assert finding.rule_id == "platform_rule.title_length" and finding.suggestion == expected
    assert apply_findings(content, text, [finding], "channels").content.title == expected
