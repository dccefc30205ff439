"""The brand's plan of content and time: positioning, content pillars with examples, competitors, campaigns."""

from __future__ import annotations

import re
from datetime import date

from nmo.brand.entries import Corpus, cite, is_list_item, key_value, matches_any, paragraphs, plain, quoted
from nmo.brand.profile import Campaign, Competitor, Pillar, Positioning, Product, SourceRef
from nmo.brand.quantities import normalized, parse_dates, year_in
from nmo.brand.sections import Section, clean_heading
from nmo.brand.tables import Table

EXAMPLE_WORDS = ("示例", "选题", "举例", "例子", "例如", "比如", "example", "e.g.", "topics")
DESCRIPTION_KEYS = ("描述", "说明", "讲什么", "定位", "description", "what")
WHAT_THEY_DO = ("what they do", "他们在做什么", "他们做什么", "定位", "简介", "概况", "打法", "产品与价格")
OPENING = ("our opening", "我们的机会", "机会", "应对", "opening", "差异", "how we win", "我们可以")
AUDIENCE_LEAD = ("我们的用户", "我们的客人", "目标人群", "目标用户", "用户是", "main group", "audience", "人群")
COMPETITOR_PREFIX = re.compile(r"^(?:竞品笔记|竞品分析|竞品|对手|同行|rival|competitor|competition)\s*[:：]?\s*",
                               re.IGNORECASE)
_SHARE = r"\s*[：:]?\s*(?P<share>\d{1,3}(?:\.\d+)?)\s*%"
# 618（2026-05-28 至 06-20）：… — a campaign named with its dates in brackets, then what it is.
_DATED_LINE = re.compile(r"^(?P<name>[^：:（(|]{1,24})[（(](?P<when>[^）)]*\d[^）)]*)[）)]\s*[：:]?\s*(?P<note>.*)$")
_PROSE_RIVAL = re.compile(
    r"(?:留意|关注|注意|冒出来的|新出现的|社区里|新开的)(?P<name>[\u4e00-\u9fffA-Za-z]{2,6}?)"
    r"(?=[：:，,]|值得|开得|最近|这两年|正在|也在)"
)


# ---- positioning ---------------------------------------------------------------------------------

def extract_positioning(corpus: Corpus) -> tuple[str, Positioning | None]:
    """The brand's name and its positioning statement and audience, from the positioning sections."""
    statement_line = None
    statement_section: Section | None = None
    for section in corpus.about("positioning"):
        if section.document.kind != "brand":
            continue
        prose = [p for p in paragraphs(section.lines) if len(plain(p.text)) >= 20]
        if prose:
            statement_line, statement_section = prose[0], section
            break
    audience = ""
    for section in corpus.about("audience") + corpus.about("positioning"):
        if section.document.kind != "brand":
            continue
        lead = next((p for p in paragraphs(section.lines) if matches_any(plain(p.text)[:16], AUDIENCE_LEAD)), None)
        if section.topic == "audience" and lead is None:
            lead = next(iter(paragraphs(section.lines)), None)
        if lead is not None:
            audience = plain(lead.text)
            break
    if statement_line is None or statement_section is None:
        return "", None
    statement = plain(statement_line.text)
    brand = re.match(r"^([^\s，,。（(是]{2,12})\s*(?:[（(][^）)]*[）)])?\s*是", statement)
    return (brand.group(1) if brand else ""), Positioning(
        statement=statement, audience=audience, source=cite(statement_section, statement_line.text))


# ---- pillars -------------------------------------------------------------------------------------

def extract_pillars(corpus: Corpus) -> list[Pillar]:
    """Content pillars from pillar tables, pillar sub-sections or pillar lists; past pieces' pillars last."""
    pillars: list[Pillar] = []
    for table in corpus.tables:
        if table.has("pillar") and (table.has("examples") or table.has("share")) and not table.has("campaign"):
            pillars.extend(_pillars_from_table(table))
    if not pillars:
        for section in corpus.about("pillars"):
            if section.document.kind != "brand":
                continue
            shares = section.text()
            children = [c for c in section.children if c.topic == "pillars"]
            if len(children) >= 2:
                pillars.extend(_pillar_from_section(child, shares) for child in children)
                break
            if len(children) == 1:
                continue
            pillars.extend(_pillars_from_list(section))
            if pillars:
                break
    return pillars or _pillars_from_past_pieces(corpus)


def _pillars_from_table(table: Table) -> list[Pillar]:
    name_col = table.column("pillar")
    desc_col = table.column("description", exclude=(name_col,))
    examples_col = table.column("examples", exclude=(name_col, desc_col))
    share_col = table.column("share", exclude=(name_col, desc_col, examples_col))
    found = []
    for row in table.rows:
        name = row.get(name_col)
        if name:
            found.append(Pillar(name=name, description=row.get(desc_col), share=_share(row.get(share_col)),
                                examples=_examples(row.get(examples_col)), source=cite(table.section, row.line.text)))
    return found


def _pillar_from_section(section: Section, shares_text: str) -> Pillar:
    name = section.name
    share_match = re.search(re.escape(name) + _SHARE, shares_text) or re.search(_SHARE, section.text())
    description = ""
    examples: list[str] = []
    collecting = False
    for line in section.lines:
        text = plain(line.text)
        if not text:
            continue
        if text.endswith((":", "：")) and matches_any(text, EXAMPLE_WORDS):
            collecting = True  # a label line; the examples follow, as list items or (from Word) plain lines
            continue
        pair = key_value(text)
        if (collecting and pair is None) or (is_list_item(line.text) and (collecting or pair is None)):
            examples.append(text)
            continue
        if pair and matches_any(pair[0], EXAMPLE_WORDS):
            examples.extend(_examples(pair[1]))
            collecting = True
            continue
        collecting = False
        if pair and matches_any(pair[0], DESCRIPTION_KEYS):
            description = description or pair[1].rstrip("。")
        elif pair is None or len(pair[0]) > 10:
            inline = _inline_examples(text)
            if inline:
                examples.extend(inline)
                text = re.split("|".join(EXAMPLE_WORDS), text, flags=re.IGNORECASE)[0]
            description = description or _first_sentences(text)
    return Pillar(name=name, description=description, share=float(share_match.group("share")) / 100
                  if share_match else None, examples=examples, source=cite(section, section.heading))


def _pillars_from_list(section: Section) -> list[Pillar]:
    found = []
    for line in section.lines:
        if not is_list_item(line.text):
            continue
        text = plain(line.text)
        pair = key_value(text)
        name = (pair[0] if pair else re.split(r"[：:，,（(—-]", text)[0]).strip()
        if not name or len(name) > 16:
            continue
        share = re.search(_SHARE, text)
        found.append(Pillar(name=name, description=pair[1] if pair else "", examples=_inline_examples(text),
                            share=float(share.group("share")) / 100 if share else None, source=cite(section, text)))
    return found


def _pillars_from_past_pieces(corpus: Corpus) -> list[Pillar]:
    """When no guide names pillars, the pillars past pieces were filed under, their titles as examples."""
    found: dict[str, Pillar] = {}
    for doc in corpus.content:
        if doc.pillar:
            source = SourceRef(source_path=doc.path, heading=doc.title, quote=f"pillar: {doc.pillar}")
            pillar = found.setdefault(doc.pillar, Pillar(name=doc.pillar, source=source))
            pillar.examples.append(doc.title)
    return list(found.values())


def _share(text: str) -> float | None:
    match = re.search(r"(\d{1,3}(?:\.\d+)?)\s*%", text)
    return float(match.group(1)) / 100 if match else None


def _examples(text: str) -> list[str]:
    words = quoted(text)
    if len(words) >= 2:
        return words
    return [p.strip(" 。.") for p in re.split(r"[；;]|、(?=\S{4,})", text) if p.strip(" 。.")]


def _inline_examples(text: str) -> list[str]:
    """Examples given in a sentence: `例子：a、b、c`, `Examples: a；b`, `比如「a」「b」`."""
    match = re.search(r"(?:" + "|".join(re.escape(w) for w in EXAMPLE_WORDS) + r")s?\s*[：:]?\s*(?P<rest>.+)$",
                      text, re.IGNORECASE)
    if not match:
        return []
    rest = match.group("rest")
    words = quoted(rest)
    if words:
        return words
    return [p.strip(" 。.") for p in re.split(r"[；;、]", rest) if p.strip(" 。.")]


def _first_sentences(text: str) -> str:
    return text.strip().rstrip("。")


# ---- competitors ---------------------------------------------------------------------------------

def extract_competitors(corpus: Corpus) -> list[Competitor]:
    """Competitors from competitor documents, competitor tables, `名称：…` lines and prose in competitor sections."""
    found: list[Competitor] = []
    for table in corpus.tables:
        if table.has("competitor") and (table.has("what_they_do") or table.has("opening")):
            name_col = table.column("competitor")
            what_col = table.column("what_they_do", exclude=(name_col,))
            open_col = table.column("opening", exclude=(name_col, what_col))
            for row in table.rows:
                if row.get(name_col):
                    _add(found, Competitor(name=row.get(name_col), what_they_do=row.get(what_col),
                                           our_opening=row.get(open_col), source=cite(table.section, row.line.text)))
    documents: dict[str, list[Section]] = {}
    for section in corpus.about("competitors"):
        documents.setdefault(section.path, []).append(section)
    for sections in documents.values():
        root = sections[0]
        named = _competitor_of_document(sections) if root.level == 0 else None
        if named is not None:
            _add(found, named)
            continue
        for section in sections:
            for line in paragraphs(section.lines) + [ln for ln in section.lines if is_list_item(ln.text)]:
                for competitor in _competitors_in_line(plain(line.text), section):
                    _add(found, competitor)
    return found


def _competitor_of_document(sections: list[Section]) -> Competitor | None:
    """One competitor's note: named by a `竞品：X` / `Rival: X` title, or by a title over what-they-do notes."""
    document = sections[0].document
    titles = [document.title, *(s.heading for s in sections[1:2])]
    name = ""
    for title in titles:
        stripped = COMPETITOR_PREFIX.sub("", clean_heading(title))
        if stripped != clean_heading(title) and stripped:
            name = stripped
            break
    what = opening = ""
    for section in sections:
        heading_what = matches_any(section.name, WHAT_THEY_DO)
        heading_open = matches_any(section.name, OPENING)
        for line in section.lines:
            text = plain(line.text)
            pair = key_value(text)
            if pair and matches_any(pair[0], WHAT_THEY_DO) and not what:
                what = pair[1]
            elif pair and matches_any(pair[0], OPENING) and not opening:
                opening = pair[1]
            elif text and heading_what and not what:
                what = text
            elif text and heading_open and not opening:
                opening = text
    if not name and (what or opening):
        name = clean_heading(sections[1].heading if len(sections) > 1 else document.title)
    if not name:
        return None
    name, aliases = _name_and_aliases(name)
    return Competitor(name=name, aliases=aliases, what_they_do=what, our_opening=opening,
                      source=SourceRef(source_path=document.path, heading=document.title, quote=document.title))


def _competitors_in_line(text: str, section: Section) -> list[Competitor]:
    found = [Competitor(name=match.group("name"), what_they_do=text[match.end():].strip("：:，, "),
                        source=cite(section, text)) for match in _PROSE_RIVAL.finditer(text)]
    if found:
        return found
    pair = key_value(text)
    if pair and 2 <= len(pair[0]) <= 8 and not matches_any(pair[0], WHAT_THEY_DO + OPENING + ("注意", "note")):
        name, aliases = _name_and_aliases(pair[0])
        parts = re.split(r"(?:我们的机会|our opening)\s*[：:]", pair[1], maxsplit=1, flags=re.IGNORECASE)
        what, opening = parts[0], parts[1] if len(parts) > 1 else ""
        return [Competitor(name=name, aliases=aliases, what_they_do=what.strip().rstrip("。"),
                           our_opening=opening.strip(), source=cite(section, text))]
    return []


def _name_and_aliases(text: str) -> tuple[str, list[str]]:
    aliases = re.findall(r"[（(]([^）)]+)[）)]", text)
    name = re.sub(r"[（(][^）)]*[）)]", "", text).strip()
    return name, [a.strip() for a in aliases if a.strip() and not re.search(r"\d{4}", a)]


def _add(found: list[Competitor], competitor: Competitor) -> None:
    if all(c.name != competitor.name for c in found):
        found.append(competitor)


# ---- campaigns -----------------------------------------------------------------------------------

def extract_campaigns(corpus: Corpus, products: list[Product]) -> list[Campaign]:
    """The brand's campaigns from calendar tables and dated list lines of campaign sections."""
    found: list[Campaign] = []
    for table in corpus.tables:
        if table.has("date", "campaign"):
            date_col = table.column("date")
            name_col = table.column("campaign", exclude=(date_col,))
            products_col = table.column("campaign_products", exclude=(date_col, name_col))
            note_col = table.column("note", exclude=(date_col, name_col, products_col))
            year = year_in(table.section.heading) or year_in(table.section.document.title)
            for row in table.rows:
                dates = parse_dates(row.get(date_col), year)
                if row.get(name_col) and dates:
                    found.append(_campaign(row.get(name_col), row.get(date_col), dates,
                                           _products_named(row.get(products_col), products), row.get(note_col),
                                           cite(table.section, row.line.text)))
    for section in corpus.about("campaigns"):
        if section.document.kind != "brand":
            continue
        year = year_in(section.heading) or year_in(section.document.title)
        for line in section.lines:
            dated = _DATED_LINE.match(plain(line.text))
            if dated is None or "|" in line.text:
                continue
            dates = parse_dates(dated.group("when"), year)
            if dates:
                note = dated.group("note")
                found.append(_campaign(dated.group("name").strip(), dated.group("when"), dates,
                                       _products_named(note, products), note, cite(section, line.text)))
    return found


def _campaign(name: str, when: str, dates: list[date], products: list[str], note: str, source: SourceRef) -> Campaign:
    start, end = min(dates), max(dates)
    open_ended = len(dates) == 1 and re.search(r"起|开始|onwards|from", when)
    return Campaign(name=name, start=start, end=None if open_ended else end, products=products,
                    note=note, source=source)


def _products_named(text: str, products: list[Product]) -> list[str]:
    text = normalized(text)
    return [p.name for p in products if any(n in text for n in p.names())]
