"""Bad brand material, through the CLI on a real ingest: a guide nmo cannot find any structure in, a scanned PDF,
a word list with an unknown category, two files that disagree. Each gets a message naming the file and what
to do, and nothing already ingested is lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from nmo.cli.main import app
from typer.testing import CliRunner

GUIDE = ("# 青禾手册\n\n## 产品\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n| 青禾燕麦拿铁 | 350ml | 15元 |\n\n"
         "## 竞品\n\n| 品牌 | 他们在做什么 |\n|---|---|\n| 麦田日记 | 全麦面包和燕麦奶 |\n")


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NMO_COLLECTION", "qinghe")
    monkeypatch.setenv("NMO_BACKEND", "offline")
    monkeypatch.delenv("NMO_CHROMA_URL", raising=False)
    return tmp_path / "home"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def folder_with_guide(tmp_path: Path) -> Path:
    folder = tmp_path / "qinghe"
    (folder / "brand").mkdir(parents=True)
    (folder / "brand" / "guide.md").write_text(GUIDE, "utf-8")
    return folder


def still_there(out_of: str = "青禾燕麦拿铁") -> None:
    """What the first ingest gave is still in use: the product in the profile, the guide in the index."""
    profile = json.loads(CliRunner().invoke(app, ["brand", "show", "--json"]).output)
    assert out_of in {p["name"] for p in profile["products"]}
    hits = json.loads(CliRunner().invoke(app, ["kb", "search", "燕麦拿铁 售价", "-k", "5", "--json"]).output)
    assert "qinghe/brand/guide.md" in {hit["source_path"] for hit in hits}


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_scanned_pdf_is_refused_by_name_with_the_fix_and_the_rest_is_kept(home: Path, tmp_path: Path) -> None:
    folder = folder_with_guide(tmp_path)
    assert run("kb", "ingest", str(folder))[0] == 0
    (folder / "brand" / "价目表扫描件.pdf").write_bytes(_blank_pdf())
    code, out = run("kb", "ingest", str(folder))
    assert code == 2
    assert "价目表扫描件.pdf" in out and "no text layer" in out and "ocrmypdf" in out
    still_there()


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("竞品词.yaml", "rules:\n  - {term: 麦田日记, category: 对手}\n", "bad entry at rules.0.category"),
        ("词表.txt", "# category: 奇怪的类\n麦田日记\n", "unknown category '奇怪的类'"),
    ],
)
def test_a_word_list_with_an_unknown_category_is_named_and_the_last_good_copy_kept(
    home: Path, tmp_path: Path, name: str, text: str, needle: str
) -> None:
    folder = folder_with_guide(tmp_path)
    (folder / "wordlists").mkdir()
    (folder / "wordlists" / name).write_text(
        "rules:\n  - {term: 山谷咖啡, category: competitor}\n" if name.endswith(".yaml")
        else "# category: competitor\n山谷咖啡\n", "utf-8")
    assert run("kb", "ingest", str(folder))[0] == 0
    (folder / "wordlists" / name).write_text(text, "utf-8")
    code, out = run("kb", "ingest", str(folder))
    assert code == 2 and name in out and needle in out
    assert "competitor" in out  # the message lists the categories to choose from
    from nmo.checks.gate import build_gate
    from nmo.config import Settings

    gate = build_gate(Settings())  # the last good copy of the list still blocks the competitor
    assert [f.category for f in gate.check("山谷咖啡的新品。").findings] == ["competitor"]
    still_there()


def test_two_files_with_two_prices_for_one_product_are_both_named_by_brand_check(home: Path, tmp_path: Path) -> None:
    folder = folder_with_guide(tmp_path)
    (folder / "brand" / "price-list.md").write_text(
        "# 价目表\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n| 青禾燕麦拿铁 | 350ml | 16元 |\n", "utf-8")
    assert run("kb", "ingest", str(folder))[0] == 0
    code, out = run("brand", "check")
    assert code == 1
    assert "青禾燕麦拿铁 has two prices: 15元 and 16元" in out
    assert "qinghe/brand/guide.md" in out and "qinghe/brand/price-list.md" in out
    assert "fix the wrong document, or keep the right price in the corrections file" in out
    still_there()


def test_a_guide_with_no_structure_nmo_recognises_is_named_with_what_to_do(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "qinghe"
    (folder / "brand").mkdir(parents=True)
    prose = ("青禾是一家做燕麦饮的小公司，我们希望大家早上能喝到一瓶不加糖的燕麦拿铁。" * 12 + "\n") * 3
    (folder / "brand" / "关于我们.txt").write_text(prose, "utf-8")
    assert run("kb", "ingest", str(folder))[0] == 0
    code, out = run("brand", "check")
    assert code == 0
    assert "qinghe/brand/关于我们.txt" in out
    assert "no headings, tables or lists nmo recognises" in out and "corrections file" in out
    assert "qinghe/brand/关于我们.txt" in run("kb", "list")[1]  # indexed all the same: search still uses it
