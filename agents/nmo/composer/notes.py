"""The revision vocabulary: a reviewer's free-text Chinese note read as typed instructions.

A note may hold several instructions (「标题太长，换个角度；不要提价格」). Parts of a note that match no
instruction are kept as `unparsed`, so the writer can say it did not act on them instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, Field

ToneStyle = Literal["casual", "formal", "fewer_exclamations", "no_exclamations", "fewer_emoji", "no_emoji"]
Element = Literal["step", "example", "question", "cta", "fact", "sentence"]
RemoveTarget = Literal["price", "product", "text"]
Place = Literal["start", "end"]


class SetTitle(BaseModel):
    """Use this exact title."""

    kind: Literal["set_title"] = "set_title"
    source: str = ""
    text: str


class ShortenTitle(BaseModel):
    """Make the title shorter, to at most `max_chars` when the reviewer gave a length."""

    kind: Literal["shorten_title"] = "shorten_title"
    source: str = ""
    max_chars: int | None = None


class ChangeAngle(BaseModel):
    """Approach the topic from another angle (the one named, when there is one)."""

    kind: Literal["change_angle"] = "change_angle"
    source: str = ""
    angle: str = ""


class ChangeTone(BaseModel):
    """Change the register or the punctuation and emoji habits."""

    kind: Literal["tone"] = "tone"
    source: str = ""
    style: ToneStyle


class ChangeLength(BaseModel):
    """Make the main text shorter or longer, or bring it to about `chars` characters."""

    kind: Literal["length"] = "length"
    source: str = ""
    direction: Literal["shorter", "longer"]
    chars: int | None = None


class AddElement(BaseModel):
    """Add a step, an example, a question to readers, a call to action, a fact (`about` what), or the
    reviewer's own sentence (`about` is its text) at the start or the end."""

    kind: Literal["add"] = "add"
    source: str = ""
    element: Element
    about: str = ""
    place: Place = "end"


class RemoveMentions(BaseModel):
    """Remove every mention of prices, of a product, or of some wording (and the sentences carrying it)."""

    kind: Literal["remove"] = "remove"
    source: str = ""
    target: RemoveTarget
    text: str = Field(default="", description="The words the reviewer used (empty for prices).")
    product: str = Field(default="", description="The brand's product those words name, if any.")


class Reorder(BaseModel):
    """Move the sentence that mentions `text` to the start or the end."""

    kind: Literal["reorder"] = "reorder"
    source: str = ""
    text: str
    to: Place


class ReplaceWording(BaseModel):
    """Replace wording everywhere: `old` becomes `new`."""

    kind: Literal["replace"] = "replace"
    source: str = ""
    old: str
    new: str


Instruction = Annotated[
    SetTitle | ShortenTitle | ChangeAngle | ChangeTone | ChangeLength | AddElement | RemoveMentions | Reorder
    | ReplaceWording,
    Field(discriminator="kind"),
]


class ParsedNote(BaseModel):
    """A reviewer's note as instructions, plus the parts of it no instruction matched."""

    note: str
    instructions: list[Instruction] = Field(default_factory=list)
    unparsed: list[str] = Field(default_factory=list)


class VocabularyEntry(BaseModel):
    """One kind of note the desk offers: what it does, how reviewers write it, whether offline applies it."""

    kind: str
    label: str
    quick_note: str = Field(description="The note text a quick-action button puts in the note box.")
    examples: list[str]
    offline: bool
    description: str


VOCABULARY: tuple[VocabularyEntry, ...] = (
    VocabularyEntry(kind="remove", label="不要提价格", quick_note="不要提价格", offline=True,
                    examples=["不要提价格", "删掉「限定款」相关内容", "别说「零添加」"],
                    description="Remove prices, a product or some wording, with the sentences carrying them."),
    VocabularyEntry(kind="shorten_title", label="标题改短", quick_note="标题改短", offline=True,
                    examples=["标题太长", "标题控制在15字以内"],
                    description="Shorten the title (to a length when one is given)."),
    VocabularyEntry(kind="set_title", label="标题改成…", quick_note="标题改成「」", offline=True,
                    examples=["标题改成「冬天的第一杯热饮」", "标题换成：周末露营清单"],
                    description="Use the given title; one over the platform's limit is refused, never cut."),
    VocabularyEntry(kind="add", label="结尾加互动问题", quick_note="结尾加互动问题", offline=True,
                    examples=["结尾加互动问题", "加一个具体步骤", "举个例子", "补充保质期", "结尾加行动号召",
                              "开头先说一句：…"],
                    description="Add a question to readers, a call to action, your own sentence, or a step, "
                                "example or fact from the knowledge base (only when a relevant passage exists)."),
    VocabularyEntry(kind="tone", label="去掉感叹号", quick_note="去掉感叹号", offline=True,
                    examples=["去掉感叹号", "少用感叹号", "少用 emoji", "去掉所有表情"],
                    description="Fewer or no exclamation marks or emoji."),
    VocabularyEntry(kind="length", label="精简正文", quick_note="正文精简一点", offline=True,
                    examples=["太长了，精简一点", "正文控制在300字以内", "内容太少，多写一点"],
                    description="Shorter, longer, or about N characters."),
    VocabularyEntry(kind="reorder", label="把…放到开头", quick_note="把「」放到开头", offline=True,
                    examples=["把「保质期」那句放到开头", "把价格放到最后"],
                    description="Move the sentence that mentions something to the start or the end."),
    VocabularyEntry(kind="replace", label="把A改成B", quick_note="把「」改成「」", offline=True,
                    examples=["把「您」改成「你」", "“冷萃”换成“冷泡”"],
                    description="Replace wording everywhere in the draft."),
    VocabularyEntry(kind="tone", label="口语化一点", quick_note="口语化一点", offline=False,
                    examples=["口语化一点", "说人话", "更正式一点"],
                    description="Change the register (needs a model: the offline writer reports it as not applied)."),
    VocabularyEntry(kind="change_angle", label="换个角度", quick_note="换个角度", offline=False,
                    examples=["换个角度", "从上班族的角度写"],
                    description="Approach the topic another way (needs a model)."),
)

_QUOTES = {"「": "」", "『": "』", "“": "”", '"': '"', "《": "》", "‘": "’", "'": "'", "【": "】"}
_QUOTED = re.compile("|".join(f"{re.escape(o)}([^{re.escape(c)}]*){re.escape(c)}" for o, c in _QUOTES.items()))
_SLOT = re.compile(r"\x00(\d+)\x00")
_STRONG_STOP = re.compile(r"([。；;！!？?\n]+)")
_COMMA = re.compile(r"[，,、]+")
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# A degree word after an instruction in the same clause (「emoji太多了，少用点」): part of that instruction.
_CONTINUATION = re.compile(r"^(?:再|就)?(?:少用?|多用?|短|长|精简|简短)?(?:一)?(?:点|些|一点|一些)(?:吧|啊|哈)?$")
# A lead-in that the next fragment completes (「结尾加一句话，引导关注」).
_LEAD_IN = re.compile(r"^(?:结尾|开头|最后|末尾)?(?:再|也)?(?:加|补|写)(?:上)?一句话?$")
# Fragments that carry no instruction (thanks, praise for the rest): ignored, neither applied nor refused.
_FILLER = re.compile(
    r"^(?:谢谢|辛苦了?|麻烦了?|请|劳驾|好的|ok|OK|其他|其余|别的|整体|总体|其它)?(?:都|还|也)?"
    r"(?:挺好|不错|很好|可以|没问题|OK|ok|谢谢|辛苦了?)?(?:的|了|啦|哈|吧)?$"
)
_N = r"(\d+|[零一二两三四五六七八九十百]+)"
_TITLE = r"(?:标题|题目|主标题)"
_SET_TITLE = re.compile(
    r"^(?:把|将)?" + _TITLE + r"(?:(?:改成|改为|换成|换为|用|就叫|叫|写成|定为)\s*[:：]?|[:：])\s*(.+)$"
)
_TITLE_LENGTH = re.compile(_TITLE + r".*?(?:不超过|控制在|压到|缩到|改到|少于|以内|在)\s*" + _N + r"\s*个?字")
_TITLE_SHORTER = re.compile(
    _TITLE + r".*(?:太长|过长|偏长|有点长|长了|改短|短一点|短一些|短些|精简|缩短|压缩|简短|再短)"
)
_SHORTER_WORDS = re.compile(r"^(?:短一点|短一些|短些|更短|简短一点|精简一点)")
_ANGLE = re.compile(r"换(?:个|一个|一下)?(?:角度|切入点|切入角度|思路|写法)|角度(?:不对|不好|换|太)|"
                    r"从(.+?)(?:的)?(?:角度|视角|切入|入手|讲起|出发)")
_CASUAL = re.compile(r"口语|说人话|接地气|轻松一?点|活泼|亲切一?点|别太官方|不要太官方|太官方|太正式|太书面")
_FORMAL = re.compile(r"更?正式|书面一?点|专业一?点|严肃一?点|太口语|太随意")
_EXCLAIM = r"(?:感叹号|惊叹号|！)"
_EMOJI = r"(?:emoji|Emoji|EMOJI|表情符号|表情)"
_NO_EXCLAIM = re.compile(r"(?:去掉|删掉|删除|不要|别用|不用|拿掉|去除)(?:所有|全部)?(?:的)?" + _EXCLAIM)
_FEWER_EXCLAIM = re.compile(
    r"少(?:用|点|一点|一些)?(?:点)?" + _EXCLAIM + "|" + _EXCLAIM + r".*(?:太多|多了|少一点|少用)"
)
_NO_EMOJI = re.compile(r"(?:去掉|删掉|删除|不要|别用|不用|拿掉|去除)(?:所有|全部)?(?:的)?" + _EMOJI)
_FEWER_EMOJI = re.compile(r"少(?:用|点|一点|一些)?(?:点)?\s*" + _EMOJI + "|" + _EMOJI + r".*(?:太多|多了|少一点|少用)")
_LENGTH_TO = re.compile(r"(?:正文|全文|内容|字数)?.*?(?:控制在|压到|缩到|改到|不超过|少于|精简到|缩减到|删到)\s*" + _N
                        + r"\s*个?字")
_LONGER_TO = re.compile(r"(?:扩写到|写到|增加到|扩到|至少)\s*" + _N + r"\s*个?字")
_SHORTER = re.compile(r"太长|过长|偏长|短一点|短一些|短些|精简|缩短|删减|啰嗦|冗长|篇幅.*(?:减|短)|压缩")
_LONGER = re.compile(r"太短|过短|长一点|长一些|展开(?:写|讲|说)?|多写一?点|丰富一?点|内容太少|太单薄|扩写|写详细")
_QUESTION_HINT = re.compile(r"互动|问题|提问|问句|问一句|问一下|留言|评论")
_CTA_HINT = re.compile(r"行动号召|CTA|cta|引导关注|关注|收藏|点赞|号召|购买引导|引导购买|下单引导")
_STEP_HINT = re.compile(r"步骤|做法|流程|教程|操作方法|具体方法|怎么(?:做|用|泡|冲|煮|选)")
_EXAMPLE_HINT = re.compile(r"例子|案例|举例|实例|场景")
_ADD = re.compile(
    r"(?:再加|加上|加一|加个|加点|加|补充|补上|补一|补个|补|增加|加入|添加|多写|写一下|提一下|提到|带上"
    r"|放一?个|留一?个|问一句|举个|举一个|举)"
    r"\s*(?:一个|一段|一句|一些|几个|一下|个|点|段|句)?\s*(?:具体的?|实际的?)?(.*)$"
)
# The reviewer's own sentence: 开头先说一句：… / 结尾加一句「…」.
_SENTENCE = re.compile(
    r"^(开头|开篇|最前面|第一句|结尾|最后|末尾|文末)?(?:先|再)?(?:加|补|说|写|放|补充)(?:上)?一句(?:话)?\s*[:：]?\s*(.+)$"
)
_PLAIN_CTA = re.compile(
    r"^引导(?:关注|收藏|点赞|购买|下单|转化)|^(?:结尾|最后)(?:要)?(?:有|放)?(?:个)?(?:行动号召|CTA)"
)
_PLAIN_QUESTION = re.compile(r"(?:结尾|最后|末尾|文末).*(?:问|互动)|引导(?:评论|互动|留言)")
_REMOVE = re.compile(
    r"(?:不要|别|不用|不必|无需|不需要|避免)(?:再)?(?:提|说|写|出现|讲|放|带|列)(?:到|及|出)?\s*(.+)$"
    r"|(?:删掉|删除|删去|去掉|拿掉|去除|砍掉)\s*(.+?)"
    r"(?:这句话|这一?句|这一?段|相关的?内容|的内容|的说法|相关)?$"
    r"|^(.+?)(?:就|也|都)?(?:别|不要|不用|不必)(?:再)?(?:写|提|说|放)了?$"
)
_PRICE_WORDS = re.compile(
    r"^(?:所有|全部|具体|任何)?的?"
    r"(?:价格|价钱|售价|定价|多少钱|价|促销价|优惠价|优惠|折扣|钱|报价|价位)(?:信息|相关)?$"
)
_REORDER = re.compile(
    r"^(?:把|将)?(.+?)(?:那句|这句|那段|这段|的句子|的内容)?(?:放到|挪到|移到|调到|放在|提到|挪去)(?:最)?"
    r"(开头|前面|最前|开始|第一句|第一段|结尾|最后|末尾|后面|最后一段)"
)
_REPLACE = re.compile(r"^(?:把|将)?(.+?)(?:改成|改为|换成|换为|替换成|替换为|写成)(.+)$")
_REPLACE_USE = re.compile(r"^用(.+?)(?:代替|替换|替代|取代)(.+)$")
_REPLACE_NOT = re.compile(r"^(?:不要|别)(?:用|说|叫|写)(.+?)[，,]\s*(?:改用|改成|改说|用|说|叫|写)(.+)$")


def _number(text: str) -> int | None:
    """An Arabic or simple Chinese number (十五, 二十, 一百二十)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def _mask_quotes(note: str) -> tuple[str, list[str]]:
    """The note with each quoted span replaced by a slot (so punctuation inside quotes does not split it)."""
    quoted: list[str] = []

    def slot(match: re.Match[str]) -> str:
        quoted.append(next(g for g in match.groups() if g is not None))
        return f"\x00{len(quoted) - 1}\x00"

    return _QUOTED.sub(slot, note), quoted


def _unmask(text: str, quoted: list[str]) -> str:
    """A clause as the reviewer wrote it (quoted spans shown in 「」)."""
    return _SLOT.sub(lambda m: f"「{quoted[int(m.group(1))]}」", text).strip()


def _argument(text: str, quoted: list[str]) -> str:
    """A free-text argument: a quoted span as written, else the words with filler trimmed."""
    text = text.strip()
    only_slot = _SLOT.fullmatch(text)
    if only_slot:
        return quoted[int(only_slot.group(1))].strip()
    slot = _SLOT.search(text)
    if slot:  # 「保质期」那句 → the quoted words are the argument
        return quoted[int(slot.group(1))].strip()
    return _unmask(text, quoted).strip(" 吧呢啊哈了的")


def _names_an_element(text: str) -> bool:
    """True when 「加一句…」 names a kind of sentence (互动问题, 行动号召) rather than giving its words."""
    if text.strip() == "话":
        return True
    short = _SLOT.search(text) is None and len(text.strip()) <= 6
    kinds = (_QUESTION_HINT, _CTA_HINT, _EXAMPLE_HINT)
    return short and any(kind.search(text) for kind in kinds)


def _mentions_product(text: str, products: Sequence[str]) -> str | None:
    """The product a target names: the exact name, else a name inside it, else a name it abbreviates."""
    names = sorted((p for p in products if p), key=len, reverse=True)
    for matches in (lambda p: p == text, lambda p: p in text, lambda p: text in p and len(text) >= 2):
        found = next((p for p in names if matches(p)), None)
        if found is not None:
            return found
    return None


def _parse_fragment(raw: str, quoted: list[str], products: Sequence[str]) -> list[Instruction] | None:
    """The instructions in one clause, or None when it says nothing nmo understands."""
    text = raw.strip()
    plain = _unmask(text, quoted)
    if match := _SET_TITLE.match(text):
        value = _argument(match.group(1), quoted)
        if _SLOT.search(match.group(1)) is None and _SHORTER_WORDS.match(value):
            return [ShortenTitle(source=plain)]
        return [SetTitle(source=plain, text=value)] if value else None
    if match := _TITLE_LENGTH.search(text):
        return [ShortenTitle(source=plain, max_chars=_number(match.group(1)))]
    if _TITLE_SHORTER.search(text):
        return [ShortenTitle(source=plain)]
    if match := _ANGLE.search(text):
        return [ChangeAngle(source=plain, angle=_argument(match.group(1) or "", quoted))]
    if _NO_EXCLAIM.search(text):
        return [ChangeTone(source=plain, style="no_exclamations")]
    if _FEWER_EXCLAIM.search(text):
        return [ChangeTone(source=plain, style="fewer_exclamations")]
    if _NO_EMOJI.search(text):
        return [ChangeTone(source=plain, style="no_emoji")]
    if _FEWER_EMOJI.search(text):
        return [ChangeTone(source=plain, style="fewer_emoji")]
    if match := _REORDER.match(text):
        to: Place = "start" if match.group(2) in ("开头", "前面", "最前", "开始", "第一句", "第一段") else "end"
        return [Reorder(source=plain, text=_argument(match.group(1), quoted), to=to)]
    for pattern, swap in ((_REPLACE_NOT, False), (_REPLACE_USE, True), (_REPLACE, False)):
        if match := pattern.match(text):
            old, new = (match.group(2), match.group(1)) if swap else (match.group(1), match.group(2))
            old, new = _argument(old, quoted), _argument(new, quoted)
            if old and new and old != new:
                return [ReplaceWording(source=plain, old=old, new=new)]
    if match := _REMOVE.search(text):
        target = _argument(match.group(1) or match.group(2) or match.group(3) or "", quoted)
        if _PRICE_WORDS.match(target) or (target.endswith(("价格", "价钱", "售价")) and len(target) <= 6):
            return [RemoveMentions(source=plain, target="price")]
        product = _mentions_product(target, products)
        if product is not None:
            return [RemoveMentions(source=plain, target="product", text=target, product=product)]
        return [RemoveMentions(source=plain, target="text", text=target)] if target else None
    if _CASUAL.search(text):
        return [ChangeTone(source=plain, style="casual")]
    if _FORMAL.search(text):
        return [ChangeTone(source=plain, style="formal")]
    if match := _LENGTH_TO.search(text):
        return [ChangeLength(source=plain, direction="shorter", chars=_number(match.group(1)))]
    if match := _LONGER_TO.search(text):
        return [ChangeLength(source=plain, direction="longer", chars=_number(match.group(1)))]
    if (match := _SENTENCE.match(text)) and not _names_an_element(match.group(2)):
        place: Place = "start" if match.group(1) in ("开头", "开篇", "最前面", "第一句") else "end"
        return [AddElement(source=plain, element="sentence", about=_argument(match.group(2), quoted), place=place)]
    if _PLAIN_CTA.search(text):
        return [AddElement(source=plain, element="cta")]
    if _PLAIN_QUESTION.search(text) and not _CTA_HINT.search(text):
        return [AddElement(source=plain, element="question")]
    if match := _ADD.search(text):
        what = _argument(match.group(1), quoted)
        if what in ("", "一点", "点", "些", "一些", "内容"):
            return [ChangeLength(source=plain, direction="longer")]
        if what == "话":
            return None  # 「加一句话」 without saying which
        if _QUESTION_HINT.search(what):
            return [AddElement(source=plain, element="question")]
        if _CTA_HINT.search(what):
            return [AddElement(source=plain, element="cta")]
        if _STEP_HINT.search(what):
            return [AddElement(source=plain, element="step", about=_STEP_HINT.sub("", what).strip("的 "))]
        if _EXAMPLE_HINT.search(what):
            return [AddElement(source=plain, element="example", about=_EXAMPLE_HINT.sub("", what).strip("的 "))]
        if what:
            return [AddElement(source=plain, element="fact", about=what)]
        return None
    if _SHORTER.search(text):
        return [ChangeLength(source=plain, direction="shorter")]
    if _LONGER.search(text):
        return [ChangeLength(source=plain, direction="longer")]
    return None


def parse_note(note: str, products: Sequence[str] = ()) -> ParsedNote:
    """Read a reviewer's note as instructions; `products` (from the brand profile) tell product names apart."""
    masked, quoted = _mask_quotes(note.strip())
    parsed = ParsedNote(note=note.strip())
    lead_ins: list[str] = []
    pieces = _STRONG_STOP.split(masked)
    for clause, stop in zip(pieces[::2], [*pieces[1::2], ""], strict=True):
        clause = clause.strip()
        if not clause:
            continue
        whole = _parse_fragment(clause, quoted, products) if _REPLACE_NOT.match(clause) else None
        fragments = [clause] if whole is not None else [f for f in _COMMA.split(clause) if f.strip()]
        pending_title: SetTitle | None = None
        for fragment in fragments:
            found = whole if whole is not None else _parse_fragment(fragment, quoted, products)
            if found is None:
                plain = _unmask(fragment, quoted)
                if pending_title is not None and _SLOT.search(fragment) is None:
                    # An unquoted title runs to the end of its clause, commas included.
                    pending_title.text += "，" + plain
                    pending_title.source += "，" + plain
                elif _LEAD_IN.match(plain):
                    lead_ins.append(plain)
                elif not (_FILLER.match(plain) or (parsed.instructions and _CONTINUATION.match(plain))):
                    parsed.unparsed.append(plain)
                continue
            pending_title = None
            for instruction in found:
                if isinstance(instruction, SetTitle) and _SLOT.search(fragment) is None:
                    pending_title = instruction
                if all(_key(instruction) != _key(known) for known in parsed.instructions):
                    parsed.instructions.append(instruction)
        if pending_title is not None and stop[:1] in "？?！!" and stop:
            pending_title.text += stop[0]  # an unquoted title keeps its own question or exclamation mark
    if not parsed.instructions:
        parsed.unparsed += lead_ins  # 「结尾加一句话」 alone says no more: reported, never silently dropped
    return parsed


def _key(instruction: Instruction) -> str:
    """What makes two instructions the same request (「结尾加互动问题，引导评论」 asks for one question)."""
    return instruction.model_dump_json(exclude={"source"})


def describe(instruction: Instruction) -> str:
    """One line in Chinese saying what an instruction asks for (for logs and the LLM prompt)."""
    match instruction:
        case SetTitle(text=text):
            return f"标题改为「{text}」"
        case ShortenTitle(max_chars=limit):
            return f"标题缩短到 {limit} 字以内" if limit else "标题改短"
        case ChangeAngle(angle=angle):
            return f"换一个角度写（{angle}）" if angle else "换一个角度写"
        case ChangeTone(style=style):
            return {"casual": "语气更口语化", "formal": "语气更正式", "fewer_exclamations": "少用感叹号",
                    "no_exclamations": "去掉感叹号", "fewer_emoji": "少用 emoji", "no_emoji": "去掉 emoji"}[style]
        case ChangeLength(direction=direction, chars=chars):
            word = "缩短" if direction == "shorter" else "加长"
            return f"正文{word}到约 {chars} 字" if chars else f"正文{word}"
        case AddElement(element="sentence", about=about, place=place):
            return f"在{'开头' if place == 'start' else '结尾'}加一句「{about}」"
        case AddElement(element=element, about=about):
            name = {"step": "一个具体步骤", "example": "一个例子", "question": "一个给读者的互动问题",
                    "cta": "一句行动号召", "fact": "一条事实"}[element]
            return f"加{name}" + (f"（关于「{about}」）" if about else "")
        case RemoveMentions(target=target, text=text):
            return "删除所有价格及含价格的句子" if target == "price" else f"删除所有提到「{text}」的内容"
        case Reorder(text=text, to=to):
            return f"把提到「{text}」的句子移到{'开头' if to == 'start' else '结尾'}"
        case ReplaceWording(old=old, new=new):
            return f"把「{old}」改为「{new}」"
    raise AssertionError(instruction)
