"""Profile extraction through a model: entries must cite a passage and a quote that is in it; a refusal, a
malformed answer or an unverifiable entry never reaches the profile, and the offline profile stays in use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nmo.brand.evaluation import load_documents
from nmo.brand.model_extract import (
    PROMPT_NAME,
    PROMPT_ROLE,
    ProfileAnswer,
    brand_passages,
    fitted_passages,
    long_context,
)
from nmo.brand.model_ingest import refresh_model_extraction
from nmo.brand.profile import BrandProfile, Competitor, Product, SourceRef
from nmo.brand.recordings import load_recording, stale_reason
from nmo.brand.store import BrandStore
from nmo.config import Settings
from nmo.prompts import PromptLibrary
from nmo.schemas import SourceDocument
from nmo.scripted_server import ScriptedReply, ScriptedServer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
GUIDE = SourceDocument(path="brand/guide.md", title="晨光咖啡手册", kind="brand", text=(
    "# 产品\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n| 晨光燕麦拿铁 | 250ml | 15元 |\n\n"
    "# 同行\n\n另外要留意山谷咖啡：便利店冷柜里 9.9 元一瓶。\n"))
OFFLINE = BrandProfile(brand="晨光", products=[Product(name="晨光燕麦拿铁", spec="250ml", price=15,
                                                       source=SourceRef(source_path="brand/guide.md"))])


def _answer(**fields: object) -> str:
    return ProfileAnswer.model_validate(fields).model_dump_json()


def _settings(tmp_path: Path, server: ScriptedServer) -> Settings:
    return Settings(home=tmp_path / "home", collection="chenguang", llm_base_url=server.base_url,
                    llm_api_key="test", llm_max_retries=0, llm_timeout_s=5)


def _run(tmp_path: Path, replies: list[ScriptedReply]) -> tuple[Settings, BrandStore, object]:
    with ScriptedServer(replies).running() as server:
        settings = _settings(tmp_path, server)
        store = BrandStore.for_settings(settings)
        store.save_extracted(OFFLINE)
        extraction = refresh_model_extraction(settings, [GUIDE])
    return settings, store, extraction


def test_verified_entries_join_the_profile_and_unverifiable_ones_are_dropped_and_counted(tmp_path: Path) -> None:
    passages = {p.heading: p.id for p in brand_passages([GUIDE])}
    answer = _answer(
        competitors=[
            {"name": "山谷咖啡", "passage_id": passages["同行"], "quote": "另外要留意山谷咖啡"},
            {"name": "星河咖啡", "passage_id": passages["同行"], "quote": "另外要留意山谷咖啡"},  # not named there
            {"name": "云杉咖啡", "passage_id": passages["同行"], "quote": "云杉咖啡是对手"},  # quote not in it
            {"name": "林间咖啡", "passage_id": "P99", "quote": "林间咖啡"},  # no such passage
        ])
    _, store, extraction = _run(tmp_path, [ScriptedReply(content=answer)])
    assert extraction is not None and extraction.outcome == "ok"
    assert [c.name for c in store.profile().competitors] == ["山谷咖啡"]
    assert store.profile().competitors[0].source.origin == "llm"  # type: ignore[union-attr]
    assert {d.name: d.reason for d in extraction.dropped} == {
        "星河咖啡": f"passage {passages['同行']} does not name it",
        "云杉咖啡": f"its quote is not in passage {passages['同行']}",
        "林间咖啡": "cites passage 'P99', which was not in the prompt",
    }
    assert "3 dropped" in extraction.summary()


@pytest.mark.parametrize(
    ("replies", "outcome"),
    [
        ([ScriptedReply(refusal="I can't help with that.")], "refused"),
        ([ScriptedReply(content='{"products": [{"name": 1}]}')] * 2, "malformed"),  # schema violated twice
        ([ScriptedReply(status=500)], "unavailable"),
    ],
)
def test_a_failed_extraction_is_reported_and_the_offline_profile_stays(
    tmp_path: Path, replies: list[ScriptedReply], outcome: str
) -> None:
    _, store, extraction = _run(tmp_path, replies)
    assert extraction is not None and extraction.outcome == outcome
    assert "offline rules" in extraction.summary()
    assert store.profile().products == OFFLINE.products and store.profile().competitors == []


def test_a_failure_after_a_good_extraction_keeps_the_good_one(tmp_path: Path) -> None:
    passage = {p.heading: p.id for p in brand_passages([GUIDE])}["同行"]
    good = _answer(competitors=[{"name": "山谷咖啡", "passage_id": passage, "quote": "另外要留意山谷咖啡"}])
    _, store, _ = _run(tmp_path, [ScriptedReply(content=good)])
    (store.folder / "profile.model.json").write_text(
        (store.folder / "profile.model.json").read_text("utf-8").replace('"fingerprint": "', '"fingerprint": "x'),
        "utf-8")  # a changed prompt: the model is asked again, and refuses
    _run(tmp_path, [ScriptedReply(refusal="no")])
    assert [c.name for c in store.profile().competitors] == ["山谷咖啡"]


def test_disagreements_are_reported_by_brand_check_and_the_documents_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmo.cli.main import app

    passage = {p.heading: p.id for p in brand_passages([GUIDE])}["产品"]
    answer = _answer(products=[{"name": "晨光燕麦拿铁", "price": 18, "passage_id": passage,
                                "quote": "晨光燕麦拿铁 | 250ml | 15元"}])
    settings, store, _ = _run(tmp_path, [ScriptedReply(content=answer)])
    assert store.profile().products[0].price == 15
    monkeypatch.setenv("NMO_HOME", str(settings.home))
    monkeypatch.setenv("NMO_COLLECTION", settings.collection)
    shown = " ".join(CliRunner().invoke(app, ["brand", "check"]).output.split())
    assert "晨光燕麦拿铁: the documents give the price 15元, the model read 18元; nmo uses 15元" in shown
    corrections = tmp_path / "fix.yaml"
    corrections.write_text("products:\n  - {name: 晨光燕麦拿铁, price: 15}\n", "utf-8")
    store.import_corrections(corrections)
    assert "the model read" not in CliRunner().invoke(app, ["brand", "check"]).output


def test_model_entries_only_fill_what_the_offline_rules_missed(tmp_path: Path) -> None:
    passages = {p.heading: p.id for p in brand_passages([GUIDE])}
    answer = _answer(competitors=[{"name": "山谷咖啡", "passage_id": passages["同行"], "quote": "山谷咖啡"}],
                     products=[{"name": "晨光燕麦拿铁", "aliases": ["燕麦拿铁"], "passage_id": passages["产品"],
                                "quote": "晨光燕麦拿铁"}])
    with ScriptedServer([ScriptedReply(content=answer)]).running() as server:
        settings = _settings(tmp_path, server)
        store = BrandStore.for_settings(settings)
        store.save_extracted(OFFLINE.model_copy(update={"competitors": [Competitor(name="山谷咖啡",
                                                                                 what_they_do="便利店冷柜")]}))
        refresh_model_extraction(settings, [GUIDE])
    profile = store.profile()
    assert [(c.name, c.what_they_do) for c in profile.competitors] == [("山谷咖啡", "便利店冷柜")]
    assert profile.products[0].source is not None and profile.products[0].source.origin == "extracted"


@pytest.mark.parametrize("path", sorted((ROOT / "evals" / "brands" / "recorded").glob("*.extract.json")),
                         ids=lambda p: p.name)
def test_each_recorded_answer_answers_the_prompt_nmo_sends_now(path: Path) -> None:
    recording = load_recording(path)
    template = PromptLibrary.load().get(PROMPT_ROLE, PROMPT_NAME)
    target = long_context(Settings().llm_target("planner"))
    passages = fitted_passages(template, brand_passages(load_documents(ROOT / recording.brand_folder)), target)
    assert len(passages) == len(brand_passages(load_documents(ROOT / recording.brand_folder)))  # all were sent
    assert stale_reason(recording, path, template, passages) == ""


def test_a_changed_prompt_asks_for_a_new_recording(tmp_path: Path) -> None:
    source = next((ROOT / "evals" / "brands" / "recorded").glob("*.extract.json"))
    data = json.loads(source.read_text("utf-8"))
    data["prompt"]["fingerprint"] = "0000000000000000"
    stale = tmp_path / source.name
    stale.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    template = PromptLibrary.load().get(PROMPT_ROLE, PROMPT_NAME)
    passages = brand_passages(load_documents(ROOT / data["brand_folder"]))
    assert "re-record it" in stale_reason(load_recording(stale), stale, template, passages)
