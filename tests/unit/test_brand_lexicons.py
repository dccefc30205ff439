"""A brand's word list inside the folder the team ingests reaches the gate, from any working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.checks.gate import build_gate
from nmo.config import Settings
from nmo.knowledge import open_knowledge_base

GUIDE = "# 品牌手册\n\n## 我们是谁\n\n青禾做无糖燕麦饮，给早起上班的人一瓶能带走的早餐。\n"
WORDS = (
    "rules:\n"
    "  - {term: 麦田日记, category: competitor, severity: blocking, message: 不点名竞品}\n"
    "  - {term: 奶昔, category: brand_term, severity: warning, suggestion: 燕麦饮}\n"
)
DRAFT = "比麦田日记更顺滑的奶昔口感。"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    return Settings(home=tmp_path / "home", collection="qinghe", backend="offline")


def brand_folder(root: Path, words: str | None = WORDS) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "guide.md").write_text(GUIDE, "utf-8")
    if words is not None:
        (root / "wordlists").mkdir()
        (root / "wordlists" / "禁用词.yml").write_text(words, "utf-8")
    return root


def test_the_ingested_word_list_is_the_brands_gate_wherever_nmo_runs(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = brand_folder(tmp_path / "青禾")
    report = open_knowledge_base(settings).ingest([folder])
    assert report.lexicons == [str(folder.resolve() / "wordlists" / "禁用词.yml")]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    findings = {f.text: f for f in build_gate(settings).check(DRAFT, platform="weibo").findings}
    assert findings["麦田日记"].severity == "blocking" and findings["麦田日记"].category == "competitor"
    assert findings["奶昔"].suggestion == "燕麦饮"


def test_another_brand_does_not_get_this_brands_list(settings: Settings, tmp_path: Path) -> None:
    open_knowledge_base(settings).ingest([brand_folder(tmp_path / "青禾")])
    other = settings.model_copy(update={"collection": "other-brand"})
    assert "麦田日记" not in {f.text for f in build_gate(other).check(DRAFT, platform="weibo").findings}


def test_a_removed_list_leaves_the_gate_and_a_broken_one_is_reported(settings: Settings, tmp_path: Path) -> None:
    folder = brand_folder(tmp_path / "青禾")
    kb = open_knowledge_base(settings)
    kb.ingest([folder])
    (folder / "wordlists" / "禁用词.yml").unlink()
    (folder / "wordlists" / "broken.yaml").write_text("rules:\n  - {term: 燕麦, category: nonsense}\n", "utf-8")
    report = kb.ingest([folder])
    assert report.lexicons == []
    assert [Path(p.path).name for p in report.failed] == ["broken.yaml"]
    assert "麦田日记" not in {f.text for f in build_gate(settings).check(DRAFT, platform="weibo").findings}


def test_plain_word_lists_in_the_folder_keep_their_categories(settings: Settings, tmp_path: Path) -> None:
    folder = brand_folder(tmp_path / "青禾", words=None)
    (folder / "词表").mkdir()
    (folder / "词表" / "竞品.txt").write_text("麦田日记\n燕麦坊\n", "utf-8")
    (folder / "词表" / "说明.txt").write_text("这个文件夹放品牌的词表。每个文件一行一个词，改完重新导入。\n", "utf-8")
    (folder / "banned-words.txt").write_text("# category: brand_term\n# severity: warning\n奶昔\n代餐\n", "utf-8")
    report = open_knowledge_base(settings).ingest([folder])
    assert sorted(Path(p).name for p in report.lexicons) == ["banned-words.txt", "竞品.txt"]
    assert report.failed == []
    findings = {f.text: f for f in build_gate(settings).check("比燕麦坊更顺滑的奶昔。", platform="weibo").findings}
    assert (findings["燕麦坊"].category, findings["燕麦坊"].severity) == ("competitor", "blocking")
    assert (findings["奶昔"].category, findings["奶昔"].severity) == ("brand_term", "warning")
    indexed = open_knowledge_base(settings).search("文件夹放品牌的词表", k=3)
    assert any(hit.source_path.endswith("说明.txt") for hit in indexed)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("# 从群里收集的\n麦田日记\n燕麦坊\n", "does not say what its terms are"),
        ("# category: 奇怪的类\n麦田日记\n", "unknown category '奇怪的类'"),
    ],
)
def test_a_word_list_of_unknown_category_is_reported_and_the_old_copy_kept(
    settings: Settings, tmp_path: Path, text: str, needle: str
) -> None:
    folder = brand_folder(tmp_path / "青禾", words=None)
    (folder / "wordlists").mkdir()
    (folder / "wordlists" / "list.txt").write_text("# category: competitor\n麦田日记\n", "utf-8")
    kb = open_knowledge_base(settings)
    kb.ingest([folder])
    (folder / "wordlists" / "list.txt").write_text(text, "utf-8")
    report = kb.ingest([folder])
    assert [Path(p.path).name for p in report.failed] == ["list.txt"]
    assert needle in report.failed[0].problem and "# category:" in report.failed[0].fix
    assert "麦田日记" in {f.text for f in build_gate(settings).check(DRAFT, platform="weibo").findings}


def test_a_running_service_uses_a_word_list_ingested_by_another_process(settings: Settings, tmp_path: Path) -> None:
    from nmo.composition import open_service

    with open_service(settings, graph_on_demand=True) as service:
        before = service.context.gate
        assert "麦田日记" not in {f.text for f in before.check(DRAFT, platform="weibo").findings}
        open_knowledge_base(settings).ingest([brand_folder(tmp_path / "青禾")])  # as `nmo kb ingest` elsewhere
        after = service.context.gate
        assert after is not before
        assert "麦田日记" in {f.text for f in after.check(DRAFT, platform="weibo").findings}
        assert service.context.gate is after  # nothing changed since: no rebuild
