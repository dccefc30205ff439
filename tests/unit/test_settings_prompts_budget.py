"""Settings resolution, prompt templates and token budgeting."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.budget import count_tokens, fit_passages
from nmo.config import Settings
from nmo.errors import BudgetExceeded, UserInputError
from nmo.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary, load_template
from nmo.schemas import Passage


def test_offline_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NMO_LLM_API_KEY", "NMO_LLM_BASE_URL", "NMO_BACKEND"):
        monkeypatch.delenv(key, raising=False)
    assert Settings().uses_llm is False


def test_openai_variables_are_fallbacks_and_roles_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fallback")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("NMO_LLM_MODEL", "deepseek-chat")
    monkeypatch.setenv("NMO_WRITER__MODEL", "qwen-plus")
    monkeypatch.setenv("NMO_WRITER__BASE_URL", "http://127.0.0.1:2/v1")
    settings = Settings()
    assert settings.uses_llm
    writer, planner = settings.llm_target("writer"), settings.llm_target("planner")
    assert (writer.model, writer.base_url, writer.api_key) == ("qwen-plus", "http://127.0.0.1:2/v1", "sk-fallback")
    assert (planner.model, planner.base_url) == ("deepseek-chat", "http://127.0.0.1:1/v1")


def test_nmo_variables_win_over_openai_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("NMO_LLM_API_KEY", "sk-nmo")
    assert Settings().llm_api_key == "sk-nmo"


def test_backend_offline_forces_the_composer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("NMO_BACKEND", "offline")
    assert Settings().uses_llm is False


def test_home_and_revision_limit_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NMO_HOME", str(tmp_path))
    monkeypatch.setenv("NMO_MAX_REVISIONS", "3")
    settings = Settings()
    assert settings.checkpoint_path == tmp_path / "checkpoints.sqlite"
    assert settings.max_revisions == 3


def test_shipped_prompts_load_and_cover_every_role() -> None:
    library = PromptLibrary.load(DEFAULT_PROMPTS_DIR)
    roles = {role for role, _ in library.templates}
    assert {"planner", "writer", "proofreader", "analyst"} <= roles


def write_prompt(path: Path, front: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{body}", "utf-8")
    return path


def test_prompt_renders_and_rejects_missing_or_extra_variables(tmp_path: Path) -> None:
    path = write_prompt(tmp_path / "writer" / "t.md", "version: 1\ndescription: d\nvariables: [topic]\n",
                        "=== system ===\n写手\n=== user ===\n写{{ topic }}\n")
    template = load_template(path, "writer")
    assert template.render(topic="冷泡茶")[1].content == "写冷泡茶"
    with pytest.raises(ValueError, match="missing"):
        template.render()
    with pytest.raises(ValueError, match="unexpected"):
        template.render(topic="a", extra="b")


def test_prompt_with_undeclared_variable_fails_on_load(tmp_path: Path) -> None:
    path = write_prompt(tmp_path / "writer" / "t.md", "version: 1\ndescription: d\nvariables: []\n",
                        "=== system ===\nx\n=== user ===\n{{ topic }}\n")
    with pytest.raises(UserInputError, match="declared variables"):
        load_template(path, "writer")


def test_prompt_without_front_matter_fails_on_load(tmp_path: Path) -> None:
    path = tmp_path / "writer" / "t.md"
    path.parent.mkdir()
    path.write_text("=== system ===\nx\n=== user ===\ny\n", "utf-8")
    with pytest.raises(UserInputError, match="front matter"):
        load_template(path, "writer")


def test_chinese_token_counts_are_close_to_one_per_char() -> None:
    text = "冷水一泡，山野入杯。" * 10
    assert 0.8 * len(text) <= count_tokens(text) <= 2.0 * len(text)


def test_passages_are_fitted_in_rank_order_before_the_call() -> None:
    passages = [Passage(id=f"p{i}", text="茶" * 300, source_path="a.md") for i in range(10)]
    kept = fit_passages(passages, fixed_tokens=500, context_tokens=2000, completion_tokens=500)
    assert 0 < len(kept) < 10
    assert [p.id for p in kept] == [f"p{i}" for i in range(len(kept))]


def test_prompt_too_big_for_the_context_is_a_clear_error() -> None:
    with pytest.raises(BudgetExceeded) as info:
        fit_passages([], fixed_tokens=5000, context_tokens=4000, completion_tokens=500)
    assert "NMO_LLM_CONTEXT_TOKENS" in info.value.fix


@pytest.mark.parametrize("k", [3, 12])
def test_retrieval_k_sets_how_widely_drafts_are_grounded(
    k: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import nmo.composition
    from nmo.schemas import DraftBrief

    from tests.unit.planwrite_fakes import folder_knowledge_base

    kb = folder_knowledge_base()
    asked: list[int] = []
    search = kb.search

    def recording_search(query: str, *, k: int = 6, **filters: object) -> list[Passage]:
        asked.append(k)
        return search(query, k=k, **filters)  # type: ignore[arg-type]

    monkeypatch.setattr(kb, "search", recording_search)
    monkeypatch.setattr(nmo.composition, "build_knowledge", lambda settings: kb)
    monkeypatch.setenv("NMO_RETRIEVAL_K", str(k))
    context = nmo.composition.build_context(Settings(home=tmp_path, backend="offline"))
    context.writer.write(DraftBrief(platform="weibo", topic="冷泡茶怎么保存"))
    assert max(asked) == k
