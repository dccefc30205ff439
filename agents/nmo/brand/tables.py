"""Tables in a section's lines — Markdown pipes, ` | ` rows from Word, tab-separated exports — read by header words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nmo.brand.sections import Line, Section

_SEPARATOR = re.compile(r"^[\s|:\-—–+]+$")

# Header words per column role; a header cell matches a role when it contains one of the words.
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "品名", "产品", "商品", "款式", "sku", "name", "product", "item"),
    "price": ("价格", "售价", "零售价", "价", "price", "rrp", "msrp"),
    "spec": ("规格", "容量", "净含量", "尺寸", "spec", "size", "pack"),
    "ingredients": ("配料", "成分", "材质", "原料", "用料", "ingredient", "material"),
    "launch": ("上市", "发售", "首发", "launch", "release"),
    "window": ("售卖期", "销售期", "供应期", "限定", "available", "sale window", "on sale"),
    "pillar": ("栏目", "支柱", "方向", "板块", "pillar", "bucket", "theme"),
    "examples": ("选题", "示例", "举例", "例子", "example", "topics"),
    "share": ("占比", "比例", "share", "split", "%"),
    "description": ("说明", "描述", "讲什么", "内容", "description", "what"),
    "preferred": ("请这样写", "这样写", "推荐", "统一写", "正确", "写", "use", "write", "preferred", "say"),
    "avoid": ("不要这样写", "不写", "不要", "避免", "错误", "不用", "not", "avoid", "instead of", "don't"),
    "banned": ("禁用", "不要说", "不说", "说法", "违禁", "敏感", "banned", "avoid", "term", "expression"),
    "replacement": ("可以这样说", "换成", "替代", "改为", "改成", "建议", "replacement", "instead"),
    "reason": ("为什么", "原因", "理由", "reason", "why"),
    "note": ("说明", "备注", "note", "notes", "规则", "要点"),
    "competitor": ("品牌", "竞品", "对手", "同行", "competitor", "rival", "brand"),
    "what_they_do": ("他们在做什么", "他们", "打法", "做什么", "what they do", "定位"),
    "opening": ("机会", "我们", "opening", "our"),
    "date": ("时间", "日期", "date", "when", "period"),
    "campaign": ("节点", "活动", "campaign", "event"),
    "campaign_products": ("主推", "产品", "products", "focus"),
}


@dataclass
class Row:
    """One table row: its cells and the line it was written on (the quote for its entries)."""

    cells: list[str]
    line: Line

    def get(self, column: int | None) -> str:
        """A cell's text, or "" for a missing column."""
        if column is None or column >= len(self.cells):
            return ""
        return self.cells[column].strip().strip("*").strip()


@dataclass
class Table:
    """A header and its rows, in the section it was found in."""

    header: list[str]
    rows: list[Row]
    section: Section

    def column(self, role: str, exclude: tuple[int | None, ...] = ()) -> int | None:
        """The first column whose header has one of the role's words (longest word wins a tie)."""
        best: tuple[int, int] | None = None
        for index, cell in enumerate(self.header):
            if index in exclude:
                continue
            lowered = cell.lower()
            length = max((len(w) for w in COLUMN_WORDS[role] if w in lowered), default=0)
            if length and (best is None or length > best[1]):
                best = (index, length)
        return best[0] if best else None

    def has(self, *roles: str) -> bool:
        """Whether the header has a column for every role."""
        return all(self.column(role) is not None for role in roles)


def split_row(text: str) -> list[str] | None:
    """A line's cells when it is a table row (pipes or tabs), else None."""
    stripped = text.strip()
    if "\t" in stripped:
        cells = [c.strip() for c in stripped.split("\t")]
    elif stripped.startswith("|") or ("|" in stripped and not stripped.startswith(("-", "*"))):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
    else:
        return None
    return cells if len(cells) >= 2 else None


def find_tables(section: Section) -> list[Table]:
    """The tables written in a section's own lines: consecutive rows, the first one the header."""
    tables: list[Table] = []
    current: list[tuple[list[str], Line]] = []

    def close() -> None:
        if len(current) >= 2:
            header = [c.strip().strip("*") for c in current[0][0]]
            tables.append(Table(header, [Row(cells, line) for cells, line in current[1:]], section))
        current.clear()

    for line in section.lines:
        if current and _SEPARATOR.match(line.text) and "|" in line.text:
            continue
        cells = split_row(line.text)
        if cells is None:
            close()
            continue
        current.append((cells, line))
    close()
    return tables
