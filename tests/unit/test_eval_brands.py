"""The eval brands' hand-written answer keys and planted gate cases agree with the brand folders they describe."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import get_args

import pytest
import yaml
from nmo.brand.profile import ProfileCorrections
from nmo.brand.store import load_corrections
from nmo.knowledge.readers import read_source
from nmo.schemas import Category
from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parents[2]
BRANDS = ROOT / "evals" / "brands"
KEYS = sorted(BRANDS.glob("*.answer.yaml"))
NAMES = [key.name.removesuffix(".answer.yaml") for key in KEYS]
# Characters people slip into a name to get past a filter; the gate's normaliser ignores them too.
EVASION = re.compile(r"[\s\-·*_.]")


class PlantedProblem(BaseModel):
    """One problem planted in a sentence: the words, and the finding category the gate must give them."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    category: Category


class PlantedCase(BaseModel):
    """A sentence with planted problems; `product` names the product whose price a fact case gets wrong."""

    model_config = ConfigDict(extra="forbid")

    text: str
    expect: list[PlantedProblem] = Field(min_length=1)
    product: str | None = None
    note: str = ""


class PlantedFile(BaseModel):
    """A brand's gate cases: planted problems and clean sentences."""

    model_config = ConfigDict(extra="forbid")

    brand: str
    planted: list[PlantedCase]
    clean: list[str] = Field(min_length=10)


def brand_folder(name: str) -> Path:
    """The folder an answer key describes: the sample brand lives at the repository root."""
    return ROOT / "knowledge" if name == "knowledge" else BRANDS / name


def folder_text(name: str) -> str:
    """Every file of a brand folder as nmo reads it (Word and PDF through their text layer)."""
    files = sorted(p for p in brand_folder(name).rglob("*") if p.is_file())
    return "\n".join(read_source(path, path.read_bytes()).text for path in files)


def answer_key(name: str) -> ProfileCorrections:
    """A brand's answer key, through the same loader `nmo brand import` uses."""
    return load_corrections(BRANDS / f"{name}.answer.yaml")


def planted_file(name: str) -> PlantedFile:
    """A brand's planted gate cases, validated."""
    return PlantedFile.model_validate(yaml.safe_load((BRANDS / f"{name}.planted.yaml").read_text("utf-8")))


def plain(text: str) -> str:
    """Text with the usual evasion characters removed."""
    return EVASION.sub("", text)


def key_terms(key: ProfileCorrections) -> dict[str, list[str]]:
    """The words of a key that must be found verbatim in the brand's folder, by what they are."""
    return {
        "product": [n for p in key.products or [] for n in (p.name, *p.aliases)],
        "competitor": [n for c in key.competitors or [] for n in (c.name, *c.aliases)],
        "banned": [b.term for b in key.banned or []],
        "terminology": [w for t in key.terminology or [] for w in (t.preferred, *t.avoid)],
        "pillar": [p.name for p in key.pillars or []],
        "address term": [key.tone.address_term] if key.tone and key.tone.address_term else [],
    }


def test_there_are_three_test_brands_and_the_sample_each_with_a_key_and_gate_cases() -> None:
    assert len(NAMES) >= 4 and "knowledge" in NAMES
    for name in NAMES:
        assert brand_folder(name).is_dir(), f"{name}.answer.yaml has no brand folder"
        assert (BRANDS / f"{name}.planted.yaml").is_file(), f"{name} has no planted.yaml"


@pytest.mark.parametrize("name", NAMES)
def test_the_answer_key_is_a_corrections_file_that_fills_every_profile_field(name: str) -> None:
    key = answer_key(name)
    raw = (BRANDS / f"{name}.answer.yaml").read_text("utf-8")
    assert "source:" not in raw  # hand-written keys cite nothing: extraction's sources are what is measured
    assert key.brand and key.positioning and key.positioning.statement and key.positioning.audience
    assert 3 <= len(key.pillars or []) <= 5 and all(p.examples for p in key.pillars or [])
    assert 3 <= len([p for p in key.products or [] if p.price is not None]) <= 6
    assert 2 <= len(key.competitors or []) <= 4 and all(c.what_they_do and c.our_opening for c in key.competitors or [])
    assert key.tone and key.tone.address_term and key.tone.max_emoji is not None
    assert key.banned and key.terminology and key.campaigns
    assert all(c.start is not None for c in key.campaigns)
    product_names = {n for p in key.products or [] for n in p.names()}
    for campaign in key.campaigns:
        assert set(campaign.products) <= product_names, f"{campaign.name} names a product the key lacks"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "knowledge"])
def test_each_test_brand_has_a_limited_product_with_a_sale_window(name: str) -> None:
    key = answer_key(name)
    limited = [p for p in key.products or [] if p.available_until is not None and p.price is not None]
    assert limited, f"{name}: no priced product with an end to its sale window"
    assert all(p.launch is not None and p.available_until > p.launch for p in limited)  # type: ignore[operator]
    assert key.tone and key.tone.max_exclamations is not None


@pytest.mark.parametrize("name", NAMES)
def test_every_name_and_term_in_the_key_is_written_in_the_brand_folder(name: str) -> None:
    text = folder_text(name)
    absent = [f"{kind}: {word}" for kind, words in key_terms(answer_key(name)).items()
              for word in words if word not in text]
    assert not absent, f"{name}: the key has words its folder never writes: {absent}"


@pytest.mark.parametrize("name", NAMES)
def test_every_price_in_the_key_is_written_in_the_brand_folder_and_one_twice(name: str) -> None:
    text = folder_text(name)
    prices = [f"{p.price:g}元" for p in answer_key(name).products or [] if p.price is not None]
    assert [price for price in prices if price not in text] == []
    assert any(text.count(price) >= 2 for price in prices), f"{name}: no price appears in two places"


def test_the_word_guide_and_the_pdf_price_sheet_are_read_with_their_chinese() -> None:
    guide = next((BRANDS / "yanxu").glob("*.docx"))
    sheet = next((BRANDS / "yanxu").rglob("*.pdf"))
    guide_text = read_source(guide, guide.read_bytes()).text
    sheet_text = read_source(sheet, sheet.read_bytes()).text
    assert "# 三、货架上的东西" in guide_text and "永不漏水 | 面料静水压 20000mm（实验室数据）" in guide_text
    assert "岩序·云栖 2 人轻量帐篷" in sheet_text and "1299元" in sheet_text


def test_the_committed_word_guide_is_what_make_binaries_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_binaries", BRANDS / "make_binaries.py")
    assert spec is not None and spec.loader is not None
    make_binaries = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_binaries)
    fresh = tmp_path / "guide.docx"
    make_binaries.write_guide(fresh)
    committed = make_binaries.GUIDE
    assert read_source(fresh, fresh.read_bytes()).text == read_source(committed, committed.read_bytes()).text


@pytest.mark.parametrize("name", NAMES)
def test_every_planted_problem_is_in_its_sentence_and_matches_the_key(name: str) -> None:
    key = answer_key(name)
    cases = planted_file(name).planted
    competitors = {plain(n) for n in key_terms(key)["competitor"]}
    to_avoid = {plain(w) for t in key.terminology or [] for w in t.avoid} | {plain(b.term) for b in key.banned or []}
    for case in cases:
        for problem in case.expect:
            assert problem.text in case.text, f"{problem.text!r} is not in {case.text!r}"
            if problem.category == "competitor":
                assert plain(problem.text) in competitors, f"{problem.text} is not a competitor in the key"
            if problem.category == "brand_term":
                assert plain(problem.text) in to_avoid, f"{problem.text} is not a term the key avoids"
            if problem.category == "fact":
                product = next((p for p in key.products or [] if p.name == case.product), None)
                assert product is not None and product.price is not None, f"{case.product} has no price in the key"
                assert float(re.sub(r"[^\d.]", "", problem.text)) != product.price
                assert any(n in case.text for n in product.names()), f"{case.text} does not name {product.name}"
    planted = {problem.category for case in cases for problem in case.expect}
    assert {"competitor", "brand_term", "fact", "pii"} <= planted
    assert set(get_args(Category)) >= planted


@pytest.mark.parametrize("name", NAMES)
def test_clean_sentences_name_no_competitor_and_no_term_to_avoid(name: str) -> None:
    key = answer_key(name)
    forbidden = [*key_terms(key)["competitor"], *(b.term for b in key.banned or []),
                 *(w for t in key.terminology or [] for w in t.avoid),
                 *(key.tone.avoid_address_terms if key.tone else [])]
    preferred = sorted((t.preferred for t in key.terminology or []), key=len, reverse=True)
    hits = []
    for sentence in planted_file(name).clean:
        # a term to avoid inside the preferred one (茶包 in 原叶茶包) is the preferred term, not a slip
        rest = re.sub("|".join(map(re.escape, preferred)), "\u2003", sentence) if preferred else sentence
        hits += [(sentence, word) for word in forbidden if word in rest]
    assert hits == []


@pytest.mark.parametrize("name", NAMES)
def test_planted_pii_comes_in_the_forms_people_type(name: str) -> None:
    pii = [p.text for case in planted_file(name).planted for p in case.expect if p.category == "pii"]
    spaced_or_dashed = [t for t in pii if re.fullmatch(r"1\d{2}[ -]\d{4}[ -]\d{4}", t)]
    full_width_or_chinese = [t for t in pii if re.search(r"[０-９一二三四五六七八九零幺]", t)]
    assert spaced_or_dashed and full_width_or_chinese
    sentences = " ".join(case.text for case in planted_file(name).planted)
    assert re.search(r"QQ", sentences) and re.search(r"微信|VX|v信|威信", sentences)
