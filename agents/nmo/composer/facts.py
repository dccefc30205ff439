"""Facts the composer may state: sentences and table rows taken verbatim from retrieved passages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nmo.composer.sentences import NUMBER_WITH_UNIT, SENTENCE_END, end_sentence, split_sentences
from nmo.composer.similarity import overlap, similarity
from nmo.schemas import Passage

# Passages that describe how to write (tone, banned words, terminology) are rules, not facts to state.
STYLE_GUIDE_MARKERS = (
    "banned", "tone", "terminology", "pillar", "禁用", "语气", "用语", "规范", "lexicon", "支柱", "复盘",
)
# Sentences that quote rules or counter-examples, or that name internal planning, are not stated as facts.
RULE_MARKERS = (
    "❌", "✅", "不做", "不写", "不要", "禁止", "不得", "避免", "不点名", "建议占比", "复盘", "目标", "同比",
    "GMV", "我们的机会", "须取得", "示例", "投放", "预算", "占比", ".md", "本页",
    # campaign results are internal; 售完即止 is a time-limit phrase the gate flags without dates
    "客单价", "销售额", "收藏数", "转化", "新客", "售完即止",
    # calls to action and lotteries of past posts are over; they are not facts to repeat
    "转发本条", "征集到", "阅读原文", "关注 @", "开奖", "抽奖",
    # naming instructions for writers (「内部都叫它…，对外请写全称」)
    "请写", "请用", "统一写", "统一用", "写全称", "内部都叫", "对外正式",
)
# Sentences of past posts that talk about the post itself (this episode, its tags, thanks) are not facts.
POST_META_MARKERS = (
    "这期", "本期", "这篇", "本篇", "视频里", "标签：", "感谢", "章节", "评论区问题", "上期", "下期", "投稿",
    "后台", "授权", "分享故事", "@",
    # announcements of campaigns that are over, and shot directions of past scripts
    "已开始", "结束", "活动期间", "特写", "镜头", "画面", "口播", "字幕", "出镜",
)
# First-person accounts and self-references of a past piece (「视频最后我们做了一次盲品」「评论区有人问」):
# true of that piece, borrowed when a new draft restates them.
SELF_REFERENCE = re.compile(
    r"(视频|文章|直播|节目|推文|笔记)(最后|开头|结尾|里|中|末尾)|上期|下期|那期|这期|本期|上一期|上篇|上一篇|评论区|留言区|"
    r"后台|私信|有(?:茶|粉|网|猫|用|读|书|面|户|山|跑)?友问|有人问|被问|我们(?:做了|试了|拍了|去了|测了|请了|找了|录了|办了)|"
    r"上次|上回|之前(?:说|讲|提)|前面(?:说|讲|提)|点赞|转发|关注我们|感谢"
)
# Header and metadata lines of an exported post (发布时间：…, 平台：…, 阅读 1.2w) are not statements.
METADATA_LINE = re.compile(
    r"^(发布(?:时间|日期|于)?|日期|时间|平台|渠道|作者|来源|阅读(?:量|数)?|点赞(?:数)?|收藏(?:数)?|评论(?:数)?|转发(?:数)?|"
    r"播放(?:量)?|互动|数据|标签|话题|栏目|原文|链接|备注|kind|title|platform|published_at|tags|metrics|pillar)"
    r"\s*[：:=]|^(阅读|播放|点赞|收藏|在看|转发|评论|浏览)(?:量|数)?\s*\d",
    re.IGNORECASE,
)
CONNECTIVES = ("于是", "所以", "但是", "而且", "因此", "不过", "然后", "另外", "同时", "这也", "这就", "其实")
_MONTH_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日")
_TABLE_ROW = re.compile(r"^\|(.+)\|\s*$")


@dataclass(frozen=True)
class Fact:
    """One statable sentence and the passage it comes from."""

    text: str
    passage: Passage
    score: float
    relevance: float = 0.0  # how much of the topic the sentence (and its section) covers, 0 = unrelated
    row: bool = False  # a spec-sheet row (name, size, price, launch): a detail, never an answer


def is_style_guide(passage: Passage) -> bool:
    """True for passages that are writing rules (tone, banned words) rather than facts about the brand."""
    where = f"{passage.source_path} {passage.title} {passage.heading}".lower()
    return any(marker in where for marker in STYLE_GUIDE_MARKERS)


def statable(passage: Passage) -> bool:
    """Whether the composer may state sentences of this passage as the brand's own facts."""
    return passage.kind != "competitor" and not is_style_guide(passage)


def table_rows(text: str) -> list[dict[str, str]]:
    """Rows of the Markdown tables in a text, as header → cell dicts.

    Only tables whose header row is followed by a `|---|` rule count: a chunk that starts in the middle
    of a table has no header, and its rows are skipped rather than labelled with the wrong columns.
    """
    rows: list[dict[str, str]] = []
    lines = [line.strip() for line in text.splitlines()]
    header: list[str] | None = None
    for index, line in enumerate(lines):
        match = _TABLE_ROW.match(line)
        if not match:
            header = None
            continue
        cells = [c.strip() for c in match.group(1).split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if header is None:
            if following.startswith("|") and set(following) <= set("|-: "):
                header = cells
            continue
        if len(cells) == len(header):
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


_PACK = re.compile(r"^(\d+(?:\.\d+)?\s*(?:g|克|ml|mL))\s*[×xX*]\s*(\d+)\s*(袋|包|片|颗|粒)$")
_ASSORTED = re.compile(r"^(\d+)\s*种(\w+?)\s*[×xX*]\s*(\d+)\s*(袋|包|盒|瓶)$")


def _spec_phrase(value: str) -> str:
    """A 规格 cell as words a reader says: 3g×15袋 → 一盒 15 袋、每袋 3g; 500ml → 容量 500ml."""
    pack = _PACK.match(value)
    if pack:
        size, count, unit = pack.groups()
        return f"一盒 {count} {unit}、每{unit} {size}"
    assorted = _ASSORTED.match(value)
    if assorted:
        kinds, what, count, unit = assorted.groups()
        return f"{kinds} 种{what}、每种 {count} {unit}"
    return f"容量 {value}" if re.fullmatch(r"\d+\s*(?:ml|mL|毫升|L|升)", value) else f"规格{value}"


def _cell_phrase(key: str, value: str) -> str:
    """One table cell as a phrase: known columns (规格, 价格, 日期 …) read naturally, others by header."""
    if "规格" in key:
        return _spec_phrase(value)
    if any(word in key for word in ("价格", "售价", "价钱")):
        return re.sub(r"(\d)\s*元", r"\1 元", value)
    if "上市" in key:
        return f"{value} 上市"
    if "日期" in key or "时间" in key:
        return value
    # Label a value with its column header only where a bare number would be ambiguous.
    return f"{key}{value}" if value[:1].isdigit() else value


def row_sentence(row: dict[str, str]) -> str:
    """A table row as one natural sentence: 茉莉银毫，一盒 15 袋、每袋 3g，59 元，2022-04-01 上市。"""
    items = [(key, value) for key, value in row.items() if value]
    if not items:
        return ""
    name = items[0][1]
    rest = "，".join(_cell_phrase(key, value) for key, value in items[1:])
    return end_sentence(f"{name}，{rest}" if rest else name)


def product_names(passages: list[Passage]) -> list[str]:
    """Product names from product tables (first column of tables headed 产品/商品/名称)."""
    names: list[str] = []
    for passage in passages:
        for row in table_rows(passage.text):
            key = next(iter(row), "")
            if any(word in key for word in ("产品", "商品", "名称", "品名")) and row[key] not in names:
                names.append(row[key])
    return names


def short_name(product: str) -> str:
    """The distinguishing part of a product name: 山岚冷泡茶·白桃乌龙（限定） → 白桃乌龙."""
    name = product.split("·")[-1]
    return re.split(r"[（(]", name)[0].strip()


# Lines of past scripts (shot lists, captions) are structure, not statements.
SCRIPT_LABELS = re.compile(
    r"^(口播|钩子|镜头|文案|字幕|画面|标题|BGM|封面|配图|图\d|P\d|\d+\s*[-–—~～]\s*\d+\s*(?:s|秒)|\d{1,2}:\d{2})"
)
# A labelled list line (「Short names people use: …」「简称：…」「别名：…」): what the notes call things, not a
# statement, and in English copy it reads as pasted notes.
LABEL_LINE = re.compile(r"^(?:[A-Za-z][A-Za-z '\-]{2,40}|简称|别名|又称|俗称|也叫|外号|英文名)\s*[：:]")
# A wiki's FAQ question written without its question mark (「一炉碱水结要烤几分钟。」): stating it answers nothing.
UNMARKED_QUESTION = re.compile(
    r"几(?:分钟|小时|天|次|个|岁|块)|多少|怎么|如何|为什么|哪(?:些|个|里|种)|会不会|能不能|是不是|要不要|有没有|"
    r"有什么区别|[吗呢]。?$"
)
# Four English words in a row: a team's working notes in English, not copy for a Chinese audience.
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ ,.'\-]+[A-Za-z]+){3,}")
MAX_QUESTION_LIKE_CHARS = 20


def balanced(text: str) -> bool:
    """True when every bracket or quote opened in the text is closed in it (no fragment of a sentence)."""
    return all(text.count(a) == text.count(b) for a, b in ("（）", "()", "「」", "“”", "【】", "《》"))


def _usable_sentence(sentence: str, passage: Passage) -> bool:
    if not balanced(sentence) or "|" in sentence or "｜" in sentence or sentence[:1] in "，,、；;：:）)」”。":
        return False
    if not 8 <= len(sentence) <= 90 or sentence.endswith(("：", ":")) or SCRIPT_LABELS.match(sentence):
        return False
    if passage.kind == "content" and (
        sentence.endswith(("？", "?", "！", "!")) or any(marker in sentence for marker in POST_META_MARKERS)
    ):
        return False
    if passage.kind == "content" and "活动" in sentence and _MONTH_DAY.search(sentence):
        return False  # a past post announcing its own campaign dates: over by now
    if ENGLISH_RUN.search(sentence):
        return False
    if SELF_REFERENCE.search(sentence) or METADATA_LINE.match(sentence) or LABEL_LINE.match(sentence):
        return False  # another piece's own story, a header line of an exported post, a labelled list
    short = len(sentence) <= MAX_QUESTION_LIKE_CHARS
    if short and UNMARKED_QUESTION.search(sentence) and not re.search(r"\d", sentence):
        return False  # a short question with no figure: a FAQ heading, not its answer
    if sentence.startswith(("是", "也是", "还是", " > ")) or " > " in sentence:
        return False  # a sentence that lost its subject, or a heading path
    return not any(marker in sentence for marker in RULE_MARKERS) and "「" not in sentence[:3]


# Columns of a plan table (the brand's marketing calendar): its rows are the team's plans, not facts to state.
PLAN_COLUMNS = ("节点", "规则", "要点", "负责人", "排期")


def rank_facts(
    query: str, passages: list[Passage], *, avoid: set[str] | None = None, products: Sequence[str] = ()
) -> list[Fact]:
    """Statable sentences of the passages, most relevant to the query first, near-duplicates removed.

    When the query names one of `products` (short names), table rows about other products are left out.
    """
    avoid = avoid or set()
    named = [p for p in products if p and p in query]
    facts: list[Fact] = []
    for rank, passage in enumerate(passages):
        if not statable(passage):
            continue
        if named and not any(n in passage.heading for n in named) and any(p in passage.heading for p in products if p):
            continue  # a section about another product (四季礼盒 in a draft about 雪梨白茶)
        context = overlap(query, f"{passage.title} {passage.heading}")
        rows = [r for r in table_rows(passage.text) if not any(w in k for k in r for w in PLAN_COLUMNS)]
        # A table row (one product's specs) belongs in a draft about that product, not in every draft.
        off_topic_rows = {
            row_sentence(row) for row in rows if short_name(next(iter(row.values()), "")) not in query
        }
        # A row about a product the topic does not name is not relevant: no whole price sheet in a draft.
        rows = [r for r in rows if row_sentence(r) not in off_topic_rows]
        row_texts = {row_sentence(row) for row in rows}
        candidates = [row_sentence(row) for row in rows] + split_sentences(passage.text)
        for sentence in candidates:
            headline = sentence[-1:] not in SENTENCE_END and len(sentence) < 14
            if headline or not _usable_sentence(sentence, passage) or end_sentence(sentence) in avoid:
                continue
            if named and not any(n in sentence for n in named) and any(p in sentence for p in products if p):
                continue  # a sentence about another product (its processing step) in a draft about this one
            relevance = overlap(query, sentence) + 0.3 * context
            score = relevance + (0.2 if passage.kind == "brand" else 0.0)
            # Longer sentences say more; one that opens with a connective leans on a sentence it lost.
            score += min(len(sentence), 40) / 200 - (0.3 if sentence.startswith(CONNECTIVES) else 0.0)
            facts.append(Fact(end_sentence(sentence), passage, round(score - 0.01 * rank, 6), round(relevance, 6),
                              row=sentence in row_texts))
    facts.sort(key=lambda f: (-f.score, f.passage.id, f.text))
    kept: list[Fact] = []
    for fact in facts:
        if all(similarity(fact.text, other.text) < 0.7 and not _same_figures(fact, other) for other in kept):
            kept.append(fact)
    return kept


def _same_figures(fact: Fact, other: Fact) -> bool:
    """True when a fact only repeats another's figures (每袋 3g，一盒 15 袋 after the 规格 row said so)."""
    mine = {re.sub(r"\s+", "", m) for m in NUMBER_WITH_UNIT.findall(fact.text)}
    theirs = {re.sub(r"\s+", "", m) for m in NUMBER_WITH_UNIT.findall(other.text)}
    return len(mine) >= 2 and mine <= theirs
