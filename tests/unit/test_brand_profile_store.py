"""The brand profile store: corrections win over extraction, survive a new extraction, and bad files change nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.brand import BrandProfile, BrandStore
from nmo.brand.profile import Competitor, Product, SourceRef
from nmo.errors import UserInputError

EXTRACTED = BrandProfile(
    brand="青禾",
    products=[Product(name="燕麦拿铁", price=15, source=SourceRef(source_path="qinghe/prices.md"))],
    competitors=[Competitor(name="麦田日记")],
)


def test_corrections_win_over_extraction_and_survive_the_next_ingest(tmp_path: Path) -> None:
    store = BrandStore(tmp_path / "brand")
    store.save_extracted(EXTRACTED)
    exported = tmp_path / "profile.yaml"
    store.export(exported)
    text = exported.read_text("utf-8").replace("price: 15.0", "price: 16.0")
    exported.write_text(text.split("competitors:")[0], "utf-8")  # the team keeps brand and products only
    store.import_corrections(exported)
    store.save_extracted(EXTRACTED.model_copy(update={"competitors": [Competitor(name="谷物工坊")]}))
    profile = store.profile()
    assert profile.product("燕麦拿铁").price == 16.0  # type: ignore[union-attr]
    assert profile.products[0].source == SourceRef(source_path="qinghe/prices.md")
    assert [c.name for c in profile.competitors] == ["谷物工坊"]  # not corrected: extraction fills it
    assert profile.corrected == ["brand", "products"]
    assert "pillars" in profile.missing and "products" not in profile.missing


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("products:\n  - {name: 燕麦拿铁, price: 十五元}\n", "products.0.price"),
        ("products:\n  - {name: 燕麦拿铁, colour: red}\n", "products.0.colour"),
        ("launches: []\n", "launches"),
        ("- just a list\n", "must be a mapping"),
        ("products: [\n", "not valid UTF-8 YAML"),
    ],
)
def test_a_bad_corrections_file_is_explained_and_changes_nothing(tmp_path: Path, text: str, needle: str) -> None:
    store = BrandStore(tmp_path / "brand")
    store.save_extracted(EXTRACTED)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, "utf-8")
    with pytest.raises(UserInputError) as caught:
        store.import_corrections(bad)
    assert needle in caught.value.problem and str(bad) in caught.value.problem
    assert store.corrections() is None and store.profile().products == EXTRACTED.products


def test_a_limited_product_is_on_sale_only_inside_its_window() -> None:
    pear = Product(name="雪梨白茶", launch=date(2026, 12, 1), available_until=date(2027, 2, 28))
    assert not pear.on_sale(date(2026, 11, 30))
    assert pear.on_sale(date(2027, 1, 15))
    assert not pear.on_sale(date(2027, 3, 1))
