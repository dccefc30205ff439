"""Chunking, front matter and file readers: what a user's files turn into before anything is embedded."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import pytest
from nmo.knowledge.chunking import chunk_markdown, count_tokens, split_sections
from nmo.knowledge.frontmatter import FrontMatterError, parse_front_matter
from nmo.knowledge.readers import UnreadableFile, decode_text, read_source
from nmo.knowledge.sources import ChunkSettings, FileProblemError, SourceFile, chunk_id, discover, load_file

GUIDE = """# 品牌手册

开头的一段介绍。

## 产品

### 白桃乌龙

白桃的果香在前，乌龙的兰花香在后。

```
# 这不是标题
```

## 语气

温和、真诚。
"""


def test_sections_keep_the_heading_path_and_ignore_hashes_in_code() -> None:
    sections = split_sections(GUIDE)
    headings = [s.heading for s in sections]
    assert headings == ["品牌手册", "品牌手册 > 产品 > 白桃乌龙", "品牌手册 > 语气"]
    assert "# 这不是标题" in sections[1].text


def test_long_sections_become_token_sized_chunks_with_overlap() -> None:
    sentences = [f"第{i}句讲的是冷泡茶的第{i}个小知识，要泡四到六小时。" for i in range(60)]
    body = "## 冷泡小课堂\n\n" + "".join(sentences[:30]) + "\n\n" + "".join(sentences[30:])
    chunks = chunk_markdown(body, chunk_tokens=80, overlap_tokens=20)
    assert len(chunks) > 5
    assert all(c.heading == "冷泡小课堂" for c in chunks)
    assert all(c.tokens <= 80 + 20 for c in chunks)
    # every sentence survives, and consecutive chunks share their boundary sentence
    joined = "".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)
    shared = sum(1 for a, b in itertools.pairwise(chunks) if a.text[-8:] in b.text[:40])
    assert shared == len(chunks) - 1


def test_a_sentence_longer_than_a_chunk_is_cut_without_losing_text() -> None:
    blob = "冷" * 500
    chunks = chunk_markdown(blob, chunk_tokens=64, overlap_tokens=0)
    assert "".join(c.text for c in chunks) == blob
    assert max(count_tokens(c.text) for c in chunks) <= 64


def test_small_past_piece_stays_one_chunk() -> None:
    body = "# 工位一周饮品清单\n\n## 周一\n\n茉莉银毫。\n\n## 周二\n\n白桃乌龙。"
    assert len(chunk_markdown(body, chunk_tokens=16, overlap_tokens=0, whole_below_tokens=900)) == 1
    assert len(chunk_markdown(body, chunk_tokens=16, overlap_tokens=0)) == 2


STEPS = ["取十克白桃乌龙放入玻璃瓶。", "加入五百毫升常温矿泉水。", "放进冰箱冷藏六到八小时。", "滤出茶叶后尽快饮用。"]
INTRO = "冷泡茶是夏天门店最受欢迎的饮品之一，做法简单，但有几个细节决定了口感是否清爽回甘。"
LIST_STYLES = ["{n}. ", "{n}.", "{n}）", "（{n}）", "{n}、"]


def numbered(style: str, steps: list[str]) -> list[str]:
    return [style.format(n=n) + step for n, step in enumerate(steps, 1)]


def line_starts(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("style", LIST_STYLES)
@pytest.mark.parametrize("between_items", ["\n", "\n\n"])
def test_a_short_numbered_list_stays_in_one_chunk(style: str, between_items: str) -> None:
    items = numbered(style, STEPS)
    assert count_tokens("\n".join(items)) < 100
    body = f"## 冷泡步骤\n\n{INTRO}\n\n{between_items.join(items)}\n\n{INTRO}"
    chunks = chunk_markdown(body, chunk_tokens=120, overlap_tokens=16)
    holding = [c for c in chunks if any(item in c.text for item in items)]
    assert len(holding) == 1, [c.text for c in chunks]
    assert [line for line in line_starts(holding[0].text) if line in items] == items


@pytest.mark.parametrize("style", LIST_STYLES)
def test_a_long_numbered_list_is_cut_between_items_never_after_a_number(style: str) -> None:
    items = numbered(style, [f"{step[:-1]}，第{i}遍。" for i in range(3) for step in STEPS])
    body = f"## 冷泡步骤\n\n{INTRO}\n" + "\n".join(items)
    chunks = chunk_markdown(body, chunk_tokens=60, overlap_tokens=12)
    assert len(chunks) > 2
    lines = [line for c in chunks for line in line_starts(c.text)]
    for item in items:
        assert item in lines, f"{item!r} is not whole on a line of its own"
    marker_only = [line for line in lines if line.rstrip(".、）)").strip("（(").isdigit()]
    assert marker_only == []


def test_chunk_ids_are_stable_and_change_with_text_or_position() -> None:
    first = chunk_id("knowledge/brand/faq.md", 0, "未开封 18 个月")
    assert first == chunk_id("knowledge/brand/faq.md", 0, "未开封 18 个月")
    assert first != chunk_id("knowledge/brand/faq.md", 0, "未开封 12 个月")
    assert first != chunk_id("knowledge/brand/faq.md", 1, "未开封 18 个月")


def test_front_matter_fields_are_parsed_and_normalised() -> None:
    text = (
        "---\nkind: competitors\ntitle: 竞品\npublished_at: 2026-05-15\ntags: 冷泡茶，办公室\n"
        "metrics: {views: '68,200', likes: 4870}\n---\n# 正文\n"
    )
    front, body, lines = parse_front_matter(text)
    assert front.kind == "competitor" and front.title == "竞品"
    assert front.published_at == "2026-05-15"
    assert front.tags == ["冷泡茶", "办公室"]
    assert front.metrics == {"views": 68200.0, "likes": 4870.0}
    assert body.startswith("# 正文") and lines == 7


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\ntitle: ok\ntags: [a, b\n---\nbody", 3, "not valid YAML"),
        ("---\ntitle: a: b\n---\nbody", 2, "not valid YAML"),
        ("---\ntitle: never closed\nbody", 1, "never closed"),
        ("---\ntitle: x\npublished_at: 去年夏天\n---\n", 3, "not a date"),
        ("---\nkind: blog\n---\n", 2, "Unknown kind"),
        ("---\nmetrics:\n  views: lots\n---\n", 3, "not a number"),
    ],
)
def test_broken_front_matter_names_the_line_and_a_fix(text: str, line: int, words: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(text)
    assert caught.value.line == line
    assert words in caught.value.problem and caught.value.fix


def test_gb18030_text_is_decoded_and_binary_is_refused() -> None:
    assert decode_text("冷泡茶".encode("gb18030")) == ("冷泡茶", "gb18030")
    assert decode_text("\ufeff冷泡茶".encode()) == ("冷泡茶", "utf-8")
    with pytest.raises(UnreadableFile, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00")


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("山岚产品手册", level=1)
    document.add_heading("保存方法", level=2)
    document.add_paragraph("泡好后冷藏，24 小时内喝完。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(text: str) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_word_headings_become_markdown_headings() -> None:
    raw = read_source(Path("guide.docx"), _docx_bytes())
    assert "# 山岚产品手册" in raw.text and "## 保存方法" in raw.text
    assert split_sections(raw.text)[0].heading == "山岚产品手册 > 保存方法"


def test_word_tables_and_lists_stay_under_their_heading_in_document_order() -> None:
    import docx

    document = docx.Document()
    document.add_heading("价目", level=2)
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip([*table.rows[0].cells, *table.rows[1].cells], ["品名", "售价", "轻量帐篷", "899元"],
                          strict=True):
        cell.text = text
    document.add_heading("禁用说法", level=2)
    document.add_paragraph("最轻", style="List Bullet")
    document.add_paragraph("第一步", style="List Number")
    document.add_paragraph("第二步", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_source(Path("guide.docx"), buffer.getvalue()).text
    assert text.index("## 价目") < text.index("| 品名 | 售价 |") < text.index("| 轻量帐篷 | 899元 |")
    assert text.index("| 轻量帐篷 | 899元 |") < text.index("## 禁用说法") < text.index("- 最轻")
    assert "|---|---|" in text and "1. 第一步" in text and "2. 第二步" in text


def test_text_pdf_is_read_and_broken_files_are_refused_with_a_fix() -> None:
    sentence = "Shanlan cold brew keeps 24 hours"
    assert sentence in read_source(Path("a.pdf"), _pdf_bytes(sentence)).text
    for name, data in [("a.pdf", b"%PDF-1.4\nnot really a pdf"), ("a.docx", b"PK\x03\x04broken zip")]:
        with pytest.raises(UnreadableFile) as caught:
            read_source(Path(name), data)
        assert "corrupt" in caught.value.problem and caught.value.fix


def test_discover_reports_missing_paths_empty_folders_and_skips_lexicons(tmp_path: Path) -> None:
    kb = tmp_path / "brandx"
    (kb / "brand").mkdir(parents=True)
    (kb / "lexicons").mkdir()
    (kb / "empty").mkdir()
    (kb / "brand" / "guide.md").write_text("# 手册\n\n正文", encoding="utf-8")
    (kb / "brand" / "logo.png").write_bytes(b"\x89PNG\x00")
    (kb / "lexicons" / "brand.yaml").write_text("rules: []", encoding="utf-8")
    found = discover([kb, tmp_path / "nope", kb / "empty"])
    assert [f.source_path for f in found.files] == ["brandx/brand/guide.md"]
    assert found.files[0].folder_kind == "brand"
    assert {p.path for p in found.failed} == {str(tmp_path / "nope"), str(kb / "empty")}
    assert [Path(p.path).name for p in found.skipped] == ["logo.png"]
    assert [p.name for p in found.lexicons] == ["brand.yaml"]  # a word list for the gate, not text to index
    # the same file given on its own is cited by the same path, so it keeps its chunk IDs
    assert discover([kb / "brand" / "guide.md"]).files[0].source_path == "brandx/brand/guide.md"


def test_load_file_reports_path_line_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "content" / "post.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: x\nmetrics: {views: [1}\n---\n正文", encoding="utf-8")
    with pytest.raises(FileProblemError) as caught:
        load_file(SourceFile(path, "kb/content/post.md", "content"), ChunkSettings())
    problem = caught.value.problem
    assert problem.path == "kb/content/post.md" and problem.line == 3 and problem.fix
    assert "kb/content/post.md:3" in problem.describe()


def test_zip_that_is_not_word_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFile):
        read_source(Path("x.docx"), buffer.getvalue())


def test_query_terms_find_every_indexed_word_jieba_would_cut() -> None:
    from collections import Counter

    from nmo.knowledge.lexical import LexicalIndex, query_terms, tokenize

    text = "山岚冷泡茶·白桃乌龙用 500ml 冰水冷泡 4–6 小时，PLA 三角袋可以二次冷泡。"
    index = LexicalIndex.build([Counter(tokenize(text))])
    jieba_terms = {t for t in tokenize(text) if len(t) > 1}  # single characters match through `#` unigrams
    assert jieba_terms <= set(query_terms(text, index.vocabulary))
    assert "乌龙" in jieba_terms and "#冷泡" in jieba_terms and "pla" in jieba_terms
    assert index.scores(query_terms("白桃乌龙怎么泡", index.vocabulary))[0] > 0


def test_index_words_are_cut_as_jieba_cuts_them_in_search_mode() -> None:
    """rjieba (jieba-rs) replaced jieba for speed; the index must not lose a word jieba would have kept."""
    import logging

    import jieba
    from nmo.knowledge.lexical import _rjieba

    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer()
    knowledge = Path(__file__).resolve().parents[2] / "knowledge"
    lines = [line for path in sorted(knowledge.rglob("*.md")) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 500
    for line in lines:
        assert _rjieba().cut_for_search(line, False) == list(reference.cut_for_search(line, HMM=False)), line


def test_tab_separated_tables_in_a_text_export_become_markdown_tables() -> None:
    data = ("【价目】\n产品名称\t规格\t价格\n招牌碱水结\t2个装\t18元\n云朵吐司\t450g\t28元\n\n"
            "备注：\t周一店休\n").encode()
    text = read_source(Path("wiki.txt"), data).text
    assert ("| 产品名称 | 规格 | 价格 |\n|---|---|---|\n| 招牌碱水结 | 2个装 | 18元 |\n"
            "| 云朵吐司 | 450g | 28元 |") in text
    assert "备注：\t周一店休" in text  # a lone tabbed line is not a table
    assert "\t" not in read_source(Path("wiki.txt"), data).text.split("备注")[0]
