"""Reviewer-note instructions applied offline, deterministically, each with the claims that prove it.

Every instruction is applied to a copy of the draft and kept only when its claims hold on the result;
otherwise the draft is left as it was and the instruction is reported as not applied, with the reason.
Added material comes from the knowledge base only when a passage is relevant (a step from a passage that
lists steps, with its citation); questions to readers and calls to action are composed from the topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from nmo.composer.draft_parts import get_part, is_one_line, reader_text, set_part, text_paths
from nmo.composer.facts import Fact, rank_facts, statable
from nmo.composer.limits import fit_body, text_units
from nmo.composer.notes import (
    AddElement,
    ChangeAngle,
    ChangeLength,
    ChangeTone,
    Instruction,
    ParsedNote,
    RemoveMentions,
    Reorder,
    ReplaceWording,
    SetTitle,
    ShortenTitle,
    describe,
)
from nmo.composer.notes_verify import EMOJI, EXCLAMATION, PRICE, Claim, closing_path, failing, main_text
from nmo.composer.sentences import end_sentence, first_clause
from nmo.composer.similarity import overlap
from nmo.platforms import PlatformSpec
from nmo.ports import KnowledgeBase
from nmo.render import CITATION_MARKER, FieldPath
from nmo.schemas import DraftContent, Passage, Shot

# A price with the words that introduce it (售价 ¥59、仅需 39 元/盒), removed as one piece from a one-line part.
PRICE_EXPRESSION = re.compile(
    r"(?:仅需|只要|只需|低至|售价|定价|价格|原价|到手价|优惠价|促销价|特价|券后价?|团购价|会员价|零售价|单价)?[:：为是]?\s*"
    r"(?:[¥￥$]\s*\d+(?:\.\d+)?|(?:\d+(?:\.\d+)?\s*[–—~～-]\s*)?\d+(?:\.\d+)?\s*(?:元|块钱|RMB|rmb|CNY)"
    r"|\d(?:\.\d)?\s*折)(?:\s*/\s*\w{1,2})?(?:起)?"
    r"|价格|售价|定价|原价|到手价|优惠价|促销价|特价|折后价|券后价?|团购价|会员价|零售价|单价|价位|多少钱"
)
# Ordered steps in a passage: 1. / 1、 / ① / 第一步 / 步骤一 at the start of a line.
STEP_LINE = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、)）]|[①-⑩]|第[一二三四五六七八九十\d]+步|步骤\s*[一二三四五六七八九十\d]+)\s*[:：]?\s*(.+)$",
    re.MULTILINE,
)
BULLET_LINE = re.compile(r"^\s*[-*•·]\s+(.+)$", re.MULTILINE)
# A section heading that announces a method: its bullets are steps.
METHOD_HEADING = re.compile(
    r"步骤|方法|做法|流程|教程|指南|用法|使用|操作|怎么|如何|保养|清洗|搭建|安装|how to|steps?\b", re.IGNORECASE
)
EXAMPLE_WORDS = re.compile(r"比如|例如|举个例子|举例来说|譬如|有位|有一位")
# Words that ask for a fact without naming one: the topic decides which fact is relevant.
GENERIC_ABOUT = re.compile(
    r"^(?:产品|商品)?(?:信息|事实|卖点|数据|参数|规格|资料|依据|细节|干货|介绍|亮点|特点|知识)?$"
)
MAX_STEPS = 3
MAX_ADDED_CHARS = 220


class NoteOutcome(BaseModel):
    """What became of one instruction (or one part of a note nmo did not understand)."""

    source: str
    instruction: Instruction | None = None
    applied: bool
    summary: str = Field(description="In Chinese: the change made, or why it was not made.")
    reason_en: str = ""
    claims: list[Claim] = Field(default_factory=list)

    def log_line(self) -> str:
        """The line the change log shows: the change made, or the request with the reason it was not."""
        if self.applied:
            return f"按审核意见：{self.summary}"  # told apart from the fixes for gate findings
        return f"「{self.source}」{self.summary}" + (f"（{self.reason_en}）" if self.reason_en else "")


class NotApplied(Exception):
    """An instruction the offline writer cannot carry out on this draft, with the reason (zh, en)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass
class NoteContext:
    """What applying a note needs besides the draft: platform, topic, knowledge, brand products."""

    spec: PlatformSpec
    topic: str
    kb: KnowledgeBase
    products: Sequence[str] = ()
    k: int = 6
    avoid: list[Callable[[str], bool]] = field(default_factory=list)


@dataclass
class Applied:
    """A draft after one instruction: the new content, the log line, its claims and passages it added."""

    content: DraftContent
    summary: str
    claims: list[Claim]
    added: list[Passage] = field(default_factory=list)


# Content first (what stays and what goes), then additions, then the closing and the surface (punctuation).
ORDER = {"replace": 0, "remove": 1, "set_title": 2, "shorten_title": 3, "add": 4, "length": 5, "reorder": 6,
         "change_angle": 7, "tone": 8}


def _closing_last(instruction: Instruction) -> tuple[int, int]:
    closing = isinstance(instruction, AddElement) and instruction.element in ("question", "cta")
    return ORDER[instruction.kind], int(closing)


def apply_parsed_note(
    content: DraftContent, parsed: ParsedNote, context: NoteContext
) -> tuple[DraftContent, list[NoteOutcome], list[Passage]]:
    """Apply every instruction it can; each outcome says what changed, or why nothing did."""
    outcomes: list[NoteOutcome] = []
    added: list[Passage] = []
    for instruction in parsed.instructions:
        if isinstance(instruction, RemoveMentions):
            context.avoid.append(_matcher(instruction, context))
    for instruction in sorted(parsed.instructions, key=_closing_last):
        try:
            result = _apply(content, instruction, context)
        except NotApplied as refused:
            outcomes.append(NoteOutcome(source=instruction.source, instruction=instruction, applied=False,
                                        summary=refused.zh, reason_en=refused.en))
            continue
        if failing(result.claims, result.content):
            outcomes.append(NoteOutcome(
                source=instruction.source, instruction=instruction, applied=False,
                summary=f"未能自动做到（{describe(instruction)}），稿件未改",
                reason_en="the offline writer could not make this change; the draft was left as it was"))
            continue
        content = result.content
        added += result.added
        outcomes.append(NoteOutcome(source=instruction.source, instruction=instruction, applied=True,
                                    summary=result.summary, claims=result.claims))
    for part in parsed.unparsed:
        outcomes.append(NoteOutcome(source=part, applied=False, summary="离线写作看不懂这条意见，未执行",
                                    reason_en="the offline writer does not understand this request"))
    return content, outcomes, added


def _apply(content: DraftContent, instruction: Instruction, context: NoteContext) -> Applied:
    match instruction:
        case SetTitle():
            return _set_title(content, instruction, context.spec)
        case ShortenTitle():
            return _shorten_title(content, instruction, context.spec)
        case ChangeAngle():
            raise NotApplied("离线写作不会换角度重写", "the offline writer cannot rewrite a draft from another angle")
        case ChangeTone(style="casual" | "formal"):
            raise NotApplied("离线写作不会改写语气", "the offline writer cannot change the register of a draft")
        case ChangeTone():
            return _punctuation(content, instruction)
        case ChangeLength(direction="shorter"):
            return _shorter(content, instruction)
        case ChangeLength():
            return _longer(content, instruction, context)
        case AddElement(element="question"):
            return _add_question(content, context)
        case AddElement(element="cta"):
            return _add_cta(content, context.spec)
        case AddElement(element="sentence"):
            return _add_sentence(content, instruction)
        case AddElement():
            return _add_from_knowledge(content, instruction, context)
        case RemoveMentions():
            return _remove(content, instruction, context)
        case Reorder():
            return _reorder(content, instruction)
        case ReplaceWording():
            return _replace(content, instruction)
    raise AssertionError(instruction)


def _no_title(spec: PlatformSpec) -> NotApplied:
    return NotApplied(f"{spec.name}稿件没有标题", f"a {spec.key} draft has no title")


def _set_title(content: DraftContent, instruction: SetTitle, spec: PlatformSpec) -> Applied:
    if "title" not in spec.parts:
        raise _no_title(spec)
    limit = spec.limit("title")
    if limit is not None and len(instruction.text) > limit:
        raise NotApplied(
            f"新标题有 {len(instruction.text)} 字，超过{spec.name}标题上限 {limit} 字，"
            "没有改（也不会截断）；请缩短后再提",
            f"the new title has {len(instruction.text)} characters, over {spec.name}'s limit of {limit}; "
            "it was not cut: shorten it and send the note again",
        )
    changed = content.model_copy(update={"title": instruction.text})
    return Applied(changed, f"标题改为「{instruction.text}」", [Claim(check="title_equals", text=instruction.text)])


_TITLE_BREAK = re.compile(r"[｜|：:—–\-·•，,！!？?、\s]+")


def _shorten_title(content: DraftContent, instruction: ShortenTitle, spec: PlatformSpec) -> Applied:
    if "title" not in spec.parts:
        raise _no_title(spec)
    title = CITATION_MARKER.sub("", content.title).strip()
    target = instruction.max_chars or max(4, int(len(title) * 0.8))
    if len(title) <= target and instruction.max_chars:
        return Applied(content, f"标题已在 {target} 字以内，未改", [Claim(check="title_max", number=target)])
    # Whole clauses from the start, else the longest single clause: a title is never cut mid-word.
    pieces = [p for p in _TITLE_BREAK.split(title) if p]
    candidates = [title[: m.start()].rstrip() for m in _TITLE_BREAK.finditer(title) if m.start() > 0]
    fitting = [c for c in candidates + pieces if 2 <= len(c) <= target]
    if not fitting:
        raise NotApplied(f"标题找不到能在 {target} 字内断开的地方，没有改；请直接改写标题",
                         f"the title has no clause that fits in {target} characters; rewrite it directly")
    # The opening clauses keep the subject; a later clause alone only when nothing from the start fits.
    short = max(fitting, key=lambda c: (c in candidates and len(c) >= 4, len(c)))
    changed = content.model_copy(update={"title": short})
    return Applied(changed, f"标题缩短为「{short}」（{len(short)} 字）", [Claim(check="title_max", number=target)])


def _punctuation(content: DraftContent, instruction: ChangeTone) -> Applied:
    text = reader_text(content)
    if instruction.style in ("no_exclamations", "fewer_exclamations"):
        count = len(EXCLAMATION.findall(text))
        keep = 0 if instruction.style == "no_exclamations" else min(1, count)
        claims = [Claim(check="exclamations_max", number=keep)]
        if count <= keep:
            return Applied(content, f"稿件里只有 {count} 个感叹号，未改", claims)
        changed = _rewrite_marks(content, EXCLAMATION, keep, _calm)
        return Applied(changed, f"感叹号从 {count} 个减到 {keep} 个", claims)
    count = len(EMOJI.findall(text))
    keep = 0 if instruction.style == "no_emoji" else min(2, count // 2)
    claims = [Claim(check="emoji_max", number=keep)]
    if count <= keep:
        return Applied(content, f"稿件里只有 {count} 个 emoji，未改", claims)
    changed = _rewrite_marks(content, EMOJI, keep, lambda _path, _text, _end: "")
    return Applied(changed, f"emoji 从 {count} 个减到 {keep} 个", claims)


def _calm(path: FieldPath, text: str, end: int) -> str:
    """What replaces an exclamation mark: nothing at the end of a line part, a full stop or comma inside."""
    rest = text[end:].lstrip()
    if not rest or rest[0] in "\n[":
        return "" if is_one_line(path) else "。"
    if rest[0] in "。，？?！!～~…":
        return ""
    return "，" if is_one_line(path) else "。"


def _rewrite_marks(
    content: DraftContent, mark: re.Pattern[str], keep: int, replace: Callable[[FieldPath, str, int], str]
) -> DraftContent:
    """Replace every match of `mark` after the first `keep` ones, part by part in reading order."""
    seen = 0
    for path in text_paths(content):
        value = get_part(content, path)
        out, last = [], 0
        for match in mark.finditer(value):
            seen += 1
            if seen <= keep:
                continue
            out.append(value[last : match.start()] + replace(path, value, match.end()))
            last = match.end()
        if last:
            new = re.sub(r"[ \t]{2,}", " ", "".join(out) + value[last:])
            new = "\n".join(line.strip() if is_one_line(path) else line.rstrip() for line in new.split("\n"))
            content = set_part(content, path, new.strip() if is_one_line(path) else new)
    return content.model_copy(update={"hashtags": [t for t in content.hashtags if t.strip()]})


def _shorter(content: DraftContent, instruction: ChangeLength) -> Applied:
    before = main_text(content)
    target = instruction.chars or int(len(before) * 0.7)
    claims = [Claim(check="main_max", number=target)]
    if len(before) <= target:
        return Applied(content, f"正文已在 {target} 字以内，未改", claims)
    if content.shots:
        shots = list(content.shots)
        # Middle shots go first: the opening hook and the closing shot carry the script.
        while len(shots) > 2 and len(main_text(content.model_copy(update={"shots": shots}))) > target:
            shots.pop(len(shots) - 2)
        content = content.model_copy(update={"shots": retimed(shots)})
    if content.body.strip() and len(main_text(content)) > target:
        room = target - (len(main_text(content)) - len(_plain(content.body)))  # what the voiceovers leave
        content = content.model_copy(update={"body": _drop_middle(content.body, room)})
    after = main_text(content)
    return Applied(content, f"正文从 {len(before)} 字精简到 {len(after)} 字", claims)


def _plain(text: str) -> str:
    return CITATION_MARKER.sub("", text).strip()


def _drop_middle(body: str, target: int) -> str:
    """The body within `target` characters, dropping sentences from the end of the middle first (the lead and
    the closing sentence stay)."""
    units = text_units(body)
    spoken = [i for i, u in enumerate(units) if _plain(u)]
    removable = spoken[1:-1]
    while removable and len(_plain("".join(units))) > target:
        units[removable.pop()] = ""
    text = re.sub(r"\n{3,}", "\n\n", "".join(units)).strip()
    return text if len(_plain(text)) <= target else fit_body(text, target)


def head_noun(phrase: str) -> str:
    """What a phrase is about: its last two characters once longer than three (帐篷重量 → 重量, 冲泡的水温 → 水温),
    since a Chinese noun phrase ends in its head."""
    phrase = phrase.split("的")[-1].strip() or phrase
    return phrase if len(phrase) <= 3 else phrase[-2:]


def _search(context: NoteContext, *queries: str) -> list[Passage]:
    """Passages for each non-empty query in turn (what the note names first, then the topic), deduplicated."""
    found: dict[str, Passage] = {}
    for query in queries:
        if query.strip():
            for passage in context.kb.search(query.strip(), k=context.k):
                found.setdefault(passage.id, passage)
    return list(found.values())


def _relevant_facts(query: str, context: NoteContext, content: DraftContent, need: str = "") -> list[Fact]:
    passages = _search(context, need, query)
    present = reader_text(content)
    named = [p for p in context.products if p and p in context.topic]
    out: list[Fact] = []
    for fact in rank_facts(query, passages, products=list(context.products)):
        text = _plain(fact.text)
        if text in present or any(avoided(text) for avoided in context.avoid):
            continue
        if need and head_noun(need) not in text:
            continue
        others = [p for p in context.products if p and p in text and p not in named]
        if named and others:
            continue  # a fact about another product does not belong in a draft about this one
        if not need and overlap(context.topic, text) < 0.15:
            continue
        out.append(fact)
    return out


def _cite(content: DraftContent, passage: Passage) -> tuple[int, list[str]]:
    if passage.id in content.citations:
        return content.citations.index(passage.id) + 1, list(content.citations)
    return len(content.citations) + 1, [*content.citations, passage.id]


def _insert_text(content: DraftContent, line: str, citations: list[str], onscreen: str) -> DraftContent:
    """Add a cited line where the piece's running text is: a new shot before the closing one, else the body
    (before a closing question, so a question asked for in the same note stays last)."""
    if content.shots:
        seconds = max(4, min(10, len(line) // 5))
        shots = list(content.shots)
        shots.insert(max(0, len(shots) - 1),
                     Shot(time=f"+{seconds}s", visual="补充镜头：近景", voiceover=line, onscreen=onscreen))
        return content.model_copy(update={"shots": retimed(shots), "citations": citations})
    if not content.body.strip():
        raise NotApplied("这种稿件没有正文，放不下新增内容", "this draft shape has no running text to add to")
    body = content.body.rstrip() + f"\n\n{line}"
    return content.model_copy(update={"body": body, "citations": citations})


def _add_fact_lines(content: DraftContent, facts: list[Fact], what: str) -> Applied:
    claims: list[Claim] = []
    added: list[Passage] = []
    for fact in facts:
        number, citations = _cite(content, fact.passage)
        content = _insert_text(content, f"{fact.text}[^{number}]", citations, first_clause(fact.text, 14))
        claims.append(Claim(check="contains", text=_plain(fact.text)))
        added.append(fact.passage)
    sources = "、".join(dict.fromkeys(p.id for p in added))
    return Applied(content, f"补充了{what}（引用 {sources}）", claims, added)


def _add_from_knowledge(content: DraftContent, instruction: AddElement, context: NoteContext) -> Applied:
    about = "" if GENERIC_ABOUT.match(instruction.about) else instruction.about
    if instruction.element == "step":
        return _add_steps(content, about, context)
    if instruction.element == "example":
        facts = [f for f in _relevant_facts(f"{context.topic} 比如 例如", context, content, about)
                 if EXAMPLE_WORDS.search(f.text)]
        if not facts:
            raise NotApplied("知识库里没有与选题相关的例子，没有编造", "the knowledge base has no relevant example")
        return _add_fact_lines(content, facts[:1], "一个例子")
    facts = _relevant_facts(context.topic, context, content, about)
    if not facts:
        wanted = f"关于「{about}」的资料" if about else "与选题相关、稿件还没用到的资料"
        raise NotApplied(f"知识库里没有{wanted}，没有补充", "the knowledge base has nothing relevant to add")
    return _add_fact_lines(content, facts[:1], f"关于「{about}」的一句" if about else "一条相关事实")


def _step_lines(passage: Passage, about: str) -> list[str]:
    """The steps a passage lists: numbered lines, or the bullets of a section whose heading names a method
    (or what the note asks steps for: 「加一个具体冲泡步骤」 and a section headed 「冲泡与保存」)."""
    numbered = STEP_LINE.findall(passage.text)
    if len(numbered) >= 2:
        return numbered
    first_line = passage.text.strip().splitlines()[0] if passage.text.strip() else ""
    heading = f"{passage.heading} {first_line}"
    if METHOD_HEADING.search(heading) or (about and about in heading):
        return BULLET_LINE.findall(passage.text)
    return []


def _add_steps(content: DraftContent, about: str, context: NoteContext) -> Applied:
    present = reader_text(content)
    named = [p for p in context.products if p and p in context.topic]
    for passage in _search(context, f"{about} 步骤 方法" if about else "", f"{context.topic} 步骤 方法"):
        steps = [CITATION_MARKER.sub("", s).replace("**", "").strip() for s in _step_lines(passage, about)]
        steps = [s for s in steps if len(s) >= 4]
        if len(steps) < 2 or not statable(passage):
            continue  # a passage that describes steps lists at least two of them; writing rules are not steps
        text = f"{passage.heading}\n{passage.text}"
        if about and about not in passage.heading and not any(about in s for s in steps):
            continue
        others = [p for p in context.products if p and p in text and p not in named]
        if named and others and not any(n in text for n in named):
            continue  # steps for another product (a processing step in a brewing section)
        if not about and overlap(context.topic, f"{passage.title} {text}") < 0.15:
            continue
        fresh = [s for s in steps if s not in present and not any(avoided(s) for avoided in context.avoid)]
        chosen: list[str] = []
        for step in fresh[:MAX_STEPS]:
            if sum(map(len, chosen)) + len(step) > MAX_ADDED_CHARS:
                break
            chosen.append(step)
        if not chosen:
            continue
        number, citations = _cite(content, passage)
        if content.shots:
            line = "步骤：" + "；".join(s.rstrip("。；;") for s in chosen) + f"。[^{number}]"
        else:
            line = "具体步骤：\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(chosen, start=1)) + f"[^{number}]"
        changed = _insert_text(content, line, citations, "步骤")
        return Applied(changed, f"补充了 {len(chosen)} 个具体步骤（引用 {passage.id}）",
                       [Claim(check="contains", text=chosen[0].rstrip("。；;"))], [passage])
    raise NotApplied("知识库里没有写明步骤、且与选题相关的资料，没有编造步骤",
                     "no passage in the knowledge base lists steps relevant to this topic")


def _topic_phrase(topic: str) -> str:
    return topic.strip().rstrip("。！？!?，,；;…")


def _add_question(content: DraftContent, context: NoteContext) -> Applied:
    path = closing_path(content)
    if path is None:
        raise NotApplied("这种稿件没有正文结尾，放不下互动问题", "this draft shape has no closing text for a question")
    claims = [Claim(check="ends_with_question")]
    if not failing(claims, content):
        return Applied(content, "结尾已经是给读者的问题，未改", claims)
    question = f"关于「{_topic_phrase(context.topic)}」，你有什么心得或疑问？"
    changed = set_part(content, path, _append(get_part(content, path), path, question))
    return Applied(changed, f"结尾加了互动问题「{question}」", [*claims, Claim(check="contains", text=question)])


CTA_TEXT = "觉得有用就收藏起来，关注我们看更多实用内容。"


def _append(value: str, path: FieldPath, line: str) -> str:
    """A closing line after the text: its own paragraph in a body, the next sentence in a voiceover."""
    value = value.rstrip()
    if path == ("body",):
        return f"{value}\n\n{line}".strip()
    return end_sentence(value) + line


def _add_cta(content: DraftContent, spec: PlatformSpec) -> Applied:
    if "cta" in spec.parts:
        if content.cta.strip():
            return Applied(content, f"已有行动号召「{content.cta}」，未改", [Claim(check="contains", text=content.cta)])
        changed = content.model_copy(update={"cta": CTA_TEXT})
        return Applied(changed, f"加了行动号召「{CTA_TEXT}」", [Claim(check="contains", text=CTA_TEXT)])
    path = closing_path(content)
    if path is None:
        raise NotApplied("这种稿件没有放行动号召的位置", "this draft shape has no place for a call to action")
    changed = set_part(content, path, _append(get_part(content, path), path, CTA_TEXT))
    return Applied(changed, f"结尾加了行动号召「{CTA_TEXT}」", [Claim(check="contains", text=CTA_TEXT)])


def _add_sentence(content: DraftContent, instruction: AddElement) -> Applied:
    """The reviewer's own sentence, word for word, at the start or the end of the running text."""
    line = end_sentence(instruction.about)
    place = "开头" if instruction.place == "start" else "结尾"
    claims = [Claim(check="contains", text=instruction.about)]
    if content.shots:
        index = 0 if instruction.place == "start" else len(content.shots) - 1
        path: FieldPath = ("shots", index, "voiceover")
        value = get_part(content, path)
        new = line + value if instruction.place == "start" else _append(value, path, line)
        return Applied(set_part(content, path, new), f"在{place}加了一句「{instruction.about}」", claims)
    if not content.body.strip():
        raise NotApplied("这种稿件没有正文，放不下新增的句子", "this draft shape has no running text to add to")
    if instruction.place == "start":
        body = f"{line}\n\n{content.body.lstrip()}"
    else:
        body = _append(content.body, ("body",), line)
    placed = Claim(check="starts_with" if instruction.place == "start" else "ends_with", text=instruction.about)
    return Applied(content.model_copy(update={"body": body}), f"在{place}加了一句「{instruction.about}」",
                   [*claims, placed])


def _matcher(instruction: RemoveMentions, context: NoteContext) -> Callable[[str], bool]:
    if instruction.target == "price":
        return lambda text: PRICE.search(text) is not None
    names = _names(instruction, context)
    return lambda text: any(name in text for name in names)


def _names(instruction: RemoveMentions, context: NoteContext) -> list[str]:
    """The wording to remove: the reviewer's words and, for a product, every name of it the brand uses."""
    names = {instruction.text}
    if instruction.product:
        from nmo.composer.facts import short_name

        names |= {instruction.product, short_name(instruction.product)}
        names |= {p for p in context.products if p and (p in instruction.product or instruction.product in p)}
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _remove(content: DraftContent, instruction: RemoveMentions, context: NoteContext) -> Applied:
    if instruction.target == "price":
        pattern, claims = PRICE_EXPRESSION, [Claim(check="no_price")]
        what = "价格"
    else:
        names = _names(instruction, context)
        pattern = re.compile("|".join(re.escape(n) for n in names))
        claims = [Claim(check="not_contains", text=n) for n in names]
        what = f"「{instruction.text}」"
    if not failing(claims, content):
        return Applied(content, f"稿件里没有提到{what}，未改", claims)
    removed = 0
    shots_to_drop: set[int] = set()
    for path in text_paths(content):
        value = get_part(content, path)
        if not pattern.search(value):
            continue
        if is_one_line(path):
            new = _tidy_line(pattern.sub("", value))
            if len(new) < 2 and path[0] in ("title", "hook"):
                raise NotApplied(f"删除{what}后{_label(path)}就空了，没有改；请直接改写",
                                 f"removing it would leave the {path[0]} empty; rewrite it directly")
        else:
            kept = [u for u in text_units(value) if not pattern.search(u)]
            removed += len(text_units(value)) - len(kept)
            new = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
            if not _plain(new) and path[0] == "shots":
                shots_to_drop.add(int(path[1]))
        content = set_part(content, path, new)
    if shots_to_drop:
        content = content.model_copy(update={"shots": retimed(
            [s for i, s in enumerate(content.shots) if i not in shots_to_drop])})
    content = content.model_copy(update={"hashtags": [t for t in content.hashtags if t.strip()]})
    if not content.body.strip() and not content.shots and "body" in context.spec.parts:
        raise NotApplied(f"正文每句都提到{what}，删完就空了，没有改；请直接改写",
                         "every sentence of the body mentions it: removing them would leave nothing")
    return Applied(content, f"删除了所有{what}" + (f"（含{what}的 {removed} 句一并删去）" if removed else ""), claims)


def _label(path: FieldPath) -> str:
    return {"title": "标题", "hook": "开头"}.get(str(path[0]), str(path[0]))


def _tidy_line(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"([，、；：,｜|])\s*[，、；：,｜|]+", r"\1", text)
    return text.strip(" ，、；：,｜|-—")


def _reorder(content: DraftContent, instruction: Reorder) -> Applied:
    place = "开头" if instruction.to == "start" else "结尾"
    claims = [Claim(check="starts_with" if instruction.to == "start" else "ends_with", text=instruction.text)]
    if not failing(claims, content):
        return Applied(content, f"提到「{instruction.text}」的句子已经在{place}，未改", claims)
    if content.shots:
        moving_shots = [s for s in content.shots if instruction.text in s.voiceover]
        other_shots = [s for s in content.shots if instruction.text not in s.voiceover]
        if not moving_shots:
            raise NotApplied(f"脚本里没有提到「{instruction.text}」的镜头", "no shot mentions it")
        shots = moving_shots + other_shots if instruction.to == "start" else other_shots + moving_shots
        changed = content.model_copy(update={"shots": retimed(shots)})
    else:
        units = [u for u in text_units(content.body) if u.strip()]
        moving = [u for u in units if instruction.text in u]
        if not moving:
            raise NotApplied(f"正文里没有提到「{instruction.text}」的句子", "no sentence of the body mentions it")
        rest = [u for u in units if instruction.text not in u]
        ordered = moving + rest if instruction.to == "start" else rest + moving
        body = "\n\n".join(u.strip() for u in ordered)
        changed = content.model_copy(update={"body": body})
    return Applied(changed, f"把提到「{instruction.text}」的内容移到{place}", claims)


def _replace(content: DraftContent, instruction: ReplaceWording) -> Applied:
    if instruction.old not in reader_text(content):
        raise NotApplied(f"稿件里没有「{instruction.old}」，无从替换",
                         f"the draft does not contain '{instruction.old}'")
    for path in text_paths(content):
        value = get_part(content, path)
        if instruction.old in value:
            content = set_part(content, path, value.replace(instruction.old, instruction.new))
    claims = [Claim(check="contains", text=instruction.new)]
    if instruction.old not in instruction.new:
        claims.append(Claim(check="not_contains", text=instruction.old))
    return Applied(content, f"把「{instruction.old}」改为「{instruction.new}」", claims)


def _longer(content: DraftContent, instruction: ChangeLength, context: NoteContext) -> Applied:
    before = len(main_text(content))
    facts = _relevant_facts(context.topic, context, content)
    chosen: list[Fact] = []
    total = before
    for fact in facts:
        if len(chosen) == 2 and not instruction.chars:
            break
        if instruction.chars and total >= instruction.chars:
            break
        chosen.append(fact)
        total += len(_plain(fact.text)) + 2
    if not chosen:
        raise NotApplied("知识库里没有与选题相关、稿件还没用到的资料，没有加长（不凑字数）",
                         "the knowledge base has nothing relevant left to add; nothing was padded")
    result = _add_fact_lines(content, chosen, f" {len(chosen)} 条相关事实")
    minimum = instruction.chars or before + 1
    if len(main_text(result.content)) < minimum:
        raise NotApplied(f"知识库里相关资料不够，加不到 {minimum} 字，没有凑字数",
                         f"not enough relevant knowledge to reach {minimum} characters; nothing was padded")
    return Applied(result.content, f"正文加长到 {len(main_text(result.content))} 字（{result.summary}）",
                   [*result.claims, Claim(check="main_min", number=minimum)], result.added)


def retimed(shots: list[Shot]) -> list[Shot]:
    """Shot times recounted in order (a-bs), keeping each shot's length."""
    out: list[Shot] = []
    cursor = 0
    for shot in shots:
        numbers = [int(n) for n in re.findall(r"\d+", shot.time)]
        length = numbers[1] - numbers[0] if len(numbers) == 2 else (numbers[0] if numbers else 3)
        out.append(shot.model_copy(update={"time": f"{cursor}-{cursor + length}s"}))
        cursor += length
    return out
