"""How the brand writes: tone rules, banned expressions with their replacements, preferred terminology."""

from __future__ import annotations

import re

from nmo.brand.entries import Corpus, cite, is_list_item, matches_any, plain, quoted, split_terms
from nmo.brand.profile import BannedExpression, Term, ToneRules
from nmo.brand.quantities import stated_limit
from nmo.brand.sections import Section
from nmo.brand.tables import Table

PRONOUNS = frozenset({"你", "您", "你们", "大家", "我们", "you"})
_ADDRESS = re.compile(
    r"(?:称呼|叫|address)\s*(?:用户|读者|顾客|粉丝|客人|大家|users?|readers?|followers?|customers?)?\s*"
    r"(?:为|用|叫|作|做|是|as|：|:)?\s*(?P<rest>.+)",
    re.IGNORECASE,
)
_NOT_ADDRESS = re.compile(r"(?:不要?(?:用|叫|称呼|说)|别(?:用|叫)|避免|不称|don't (?:use|call)|never)")
_EXCLAMATION = ("感叹号", "叹号", "exclamation", "！")
_EMOJI = ("表情", "emoji")
_DO = re.compile(r"^(?:(?:✅|👍)\s*(?:做\s*[:：])?|(?:do|要|做|宜)\s*[:：])\s*", re.IGNORECASE)
_DONT = re.compile(r"^(?:(?:❌|🚫)\s*(?:不做\s*[:：])?|(?:don'?t|不要|不做|忌)\s*[:：])\s*", re.IGNORECASE)
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|改为|改成|换成)\s*")
_CLAUSE = r"[^，,。；;—]+"
# 不说 A，说 B / 用 B，不用 A (with 写 or 用 for 说, and 统一 / 只 / 请 before the wanted form)
_SAY_INSTEAD = re.compile(
    rf"不(?:说|写|用)\s*(?P<avoid>{_CLAUSE}?)\s*[，,]\s*(?:要|请|改|统一|只)?(?:说|写|用)\s*(?P<use>{_CLAUSE})"
)
# 写 A，不写 B (a qualifier such as 正式文案里 may come before 不); an unquoted A must start the clause, a
# quoted 「A」 may follow any words (品牌第一次出现写「岩序户外」，不写「岩序牌」)
_USE_NOT = re.compile(
    rf"(?:(?:^|[，,。；;\s])(?:只|统一|请)?(?:写|用|说)\s*(?P<use>{_CLAUSE}?)"
    rf"|(?:写|用|说)\s*(?P<quoted_use>[「『“\"][^」』”\"]{{1,40}}[」』”\"]))"
    rf"\s*[，,]\s*[^，,。；;「『“\"]{{0,8}}?不(?:写|用|说)\s*(?P<avoid>{_CLAUSE})"
)
ALLOWED = ("正常用语", "不在禁用", "可以用", "可以说", "允许", "allowed", "fine to use", "not banned")
_REPLY_BEFORE = r"(?:回复|改成|改为|换成|写成|说成|建议|可以说|请写)\s*"
PREFERRED_HEADER = ("请这样写", "推荐", "统一", "正确", "use", "write", "preferred")
_NO_REPLACEMENT = re.compile(r"不做(?:任何)?替代|删掉|不写这个|无替代|none|n/a|^[-—/]$", re.IGNORECASE)


def extract_tone(corpus: Corpus, terms: list[Term]) -> ToneRules:
    """The address term, the limits on exclamation marks and emoji, and the do / don't lines."""
    tone = ToneRules()
    sections = corpus.about("tone")
    for section in sections:
        for line in section.lines:
            text = plain(line.text)
            if not text:
                continue
            _read_address(tone, text, section)
            _read_limits(tone, text, in_emoji_section=matches_any(section.name, _EMOJI))
            if _DONT.match(text):
                tone.dont.append(_DONT.sub("", text))
            elif _DO.match(text):
                tone.do.append(_DO.sub("", text))
    if not tone.address_term:
        for term in terms:
            if term.note and matches_any(term.note, ("称呼", "address")):
                tone.address_term = term.preferred
                tone.avoid_address_terms = list(term.avoid)
                tone.source = term.source
                break
    return tone


def _read_limits(tone: ToneRules, text: str, in_emoji_section: bool) -> None:
    """'At most N' limits on exclamation marks and emoji; a clause without either word continues the last one."""
    about = "emoji" if in_emoji_section else ""
    for clause in re.split(r"[；;。，,]|\.\s", text):
        if matches_any(clause, _EXCLAMATION):
            about = "exclamations"
        if matches_any(clause, _EMOJI):
            about = "emoji"
        limit = stated_limit(clause)
        if limit is None or not about:
            continue
        if about == "exclamations":
            tone.max_exclamations = max(limit, tone.max_exclamations or 0)
        else:
            tone.max_emoji = max(limit, tone.max_emoji or 0)


def _read_address(tone: ToneRules, text: str, section: Section) -> None:
    match = _ADDRESS.search(text)
    if match is None or not matches_any(text[: match.start() + 8], ("称呼", "叫", "address")):
        return
    rest = match.group("rest")
    positive = _NOT_ADDRESS.split(rest, maxsplit=1)
    wanted = quoted(positive[0]) or [re.split(r"[，,。；;、\s]", positive[0].strip("：: "))[0]]
    wanted = [w for w in wanted if w and w.lower() not in PRONOUNS and len(w) <= 8]
    if wanted and not tone.address_term:
        tone.address_term = wanted[0]
        tone.source = cite(section, text)
    if len(positive) > 1:
        avoided = quoted(positive[1]) or split_terms(re.split(r"[。；;]", positive[1])[0])
        tone.avoid_address_terms = list(dict.fromkeys([*tone.avoid_address_terms, *avoided]))


def extract_banned(corpus: Corpus) -> list[BannedExpression]:
    """Banned expressions from banned-word tables and the lists and lines of banned sections."""
    found: list[BannedExpression] = []
    for table in corpus.tables:
        if table_kind(table) == "banned":
            term_col = table.column("banned")
            term_col = 0 if term_col is None else term_col
            repl_col = table.column("replacement", exclude=(term_col,))
            reason_col = table.column("reason", exclude=(term_col, repl_col))
            for row in table.rows:
                for term in split_terms(row.get(term_col)):
                    _add_banned(found, BannedExpression(
                        term=term, replacement=_replacement(row.get(repl_col)), reason=row.get(reason_col),
                        source=cite(table.section, row.line.text)))
    for section in corpus.about("banned"):
        if section.document.kind != "brand":
            continue
        for line in section.lines:
            if "|" in line.text or "\t" in line.text:
                continue
            for entry in _banned_in_line(plain(line.text), is_list_item(line.text)):
                _add_banned(found, entry.model_copy(update={"source": cite(section, line.text)}))
    return found


def _banned_in_line(text: str, listed: bool) -> list[BannedExpression]:
    if not text:
        return []
    arrow = _ARROW.split(text, maxsplit=1)
    if len(arrow) == 2:
        terms = quoted(arrow[0]) or split_terms(arrow[0])
        return [BannedExpression(term=t, replacement=_replacement(arrow[1])) for t in terms if len(t) <= 16]
    instead = _SAY_INSTEAD.search(text)
    if instead:
        return [BannedExpression(term=t, replacement=_replacement(instead.group("use")))
                for t in quoted(instead.group("avoid")) or split_terms(instead.group("avoid"))]
    if matches_any(text, ALLOWED):
        return []
    words = [w for w in quoted(text) if not re.search(_REPLY_BEFORE + "[「『“\"]" + re.escape(w), text)]
    if words:
        reason = text.split("：")[0].split(":")[0] if re.search(r"[：:]", text) else ""
        return [BannedExpression(term=w, reason=reason if len(reason) <= 20 else "") for w in words]
    if listed and len(text) <= 8 and not re.search(r"[，,。；;：:]", text):
        return [BannedExpression(term=text.strip("。"))]
    return []


def _replacement(cell: str) -> str | None:
    cell = cell.strip()
    if not cell or _NO_REPLACEMENT.search(cell):
        return None
    words = quoted(cell)
    return words[0] if words else re.split(r"[。；;]", cell)[0].lstrip("写").strip() or None


def _add_banned(found: list[BannedExpression], entry: BannedExpression) -> None:
    if entry.term and all(e.term != entry.term for e in found):
        found.append(entry)


def extract_terminology(corpus: Corpus) -> list[Term]:
    """Preferred terms from wording tables and `写 A，不写 B` / `A → B` lines of terminology sections."""
    found: list[Term] = []
    for table in corpus.tables:
        if table_kind(table) == "terminology":
            use_col = table.column("preferred")
            use_col = 0 if use_col is None else use_col
            avoid_col = table.column("avoid", exclude=(use_col,))
            note_col = table.column("reason", exclude=(use_col, avoid_col))
            note_col = note_col if note_col is not None else table.column("note", exclude=(use_col, avoid_col))
            for row in table.rows:
                preferred = row.get(use_col)
                if preferred:
                    found.append(Term(preferred=preferred, avoid=split_terms(row.get(avoid_col)),
                                      note=row.get(note_col), source=cite(table.section, row.line.text)))
    for section in corpus.about("terminology"):
        for line in section.lines:
            text = plain(line.text)
            term = _term_in_line(text)
            if term is not None:
                found.append(term.model_copy(update={"source": cite(section, line.text)}))
    return found


def _term_in_line(text: str) -> Term | None:
    if not text or "|" in text:
        return None
    use_not = _USE_NOT.search(text) or None
    if use_not:
        use, avoid = use_not.group("use") or use_not.group("quoted_use"), use_not.group("avoid")
    else:
        instead = _SAY_INSTEAD.search(text)
        if instead:
            use, avoid = instead.group("use"), instead.group("avoid")
        else:
            arrow = _ARROW.split(text, maxsplit=1)
            if len(arrow) != 2:
                return None
            avoid, use = arrow
    preferred = (quoted(use) or split_terms(use) or [""])[0]
    avoided = quoted(avoid) or split_terms(avoid)
    return Term(preferred=preferred, avoid=avoided) if preferred and avoided else None


def table_kind(table: Table) -> str:
    """Whether a wording table lists banned expressions or preferred terms (by its header words)."""
    first = table.header[0].lower() if table.header else ""
    preferred_first = first.strip() in ("写", "用") or matches_any(first, PREFERRED_HEADER)
    if preferred_first and table.column("avoid", exclude=(0,)) is not None:
        return "terminology"
    if table.has("banned") and (table.has("replacement") or table.has("reason")):
        return "banned"
    if table.section.topic == "banned" and table.has("replacement"):
        return "banned"
    return ""
