"""Product facts: prices, pack sizes and launch dates from the brand's product table, checked in drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nmo.schemas import Finding

_PRICE = re.compile(
    r"(?:[¥￥]\s*(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)\s*(?:元|块钱|块)"
    r"|(?P<c>[零〇一二两三四五六七八九十百千万]+)\s*(?:元|块钱|块))"
)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> float | None:
    """三十九 → 39, 一百二十 → 120, 两千 → 2000, 九九 → 99; None when it is not a number."""
    if all(ch in _DIGITS for ch in text):
        return float("".join(str(_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            return None
    return float(total + section + digit)
_PACK = re.compile(r"(?P<g>\d+(?:\.\d+)?)\s*(?:g|克)\s*[×xX*乘]\s*(?P<n>\d+)\s*(?:袋|包)")
_VOLUME = re.compile(r"(?P<v>\d+)\s*(?:ml|mL|ML|毫升)")
_DATE = re.compile(r"(?P<y>20\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*(?:[-月/.]\s*(?P<d>\d{1,2})\s*日?|月)")
_LAUNCH_WORDS = ("上市", "发售", "开售", "上新", "首发", "发布", "推出", "开卖")
_SCOPE_END = re.compile(r"[。！？!?\n；;]")
_PROMO_WORDS = ("活动", "到手", "券", "满", "减", "折", "原价", "秒杀", "优惠", "拼团", "会员", "直播间")


@dataclass
class ProductFact:
    """One row of the product table, with the names a draft may use for it."""

    name: str
    spec: str
    price: str
    launch: str
    line: int
    source: str
    aliases: list[str] = field(default_factory=list)

    def cite(self) -> str:
        """The source passage: file, line and the row as written."""
        return f"{self.source}:{self.line}「{self.name} | {self.spec} | {self.price} | {self.launch}」"


_MIN_ALIAS = 3
_EDGE_MARKS = re.compile(r"^[·・\s]+|[·・\s]+$")


def _aliases(name: str, brand_prefix: str = "") -> list[str]:
    """Names a draft may use: the full name, without its bracketed note, the part after ·, and the name
    without the brand prefix every product shares (山岚随行冷泡杯 → 随行冷泡杯)."""
    base = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    names = {name, base}
    if "·" in base:
        names.add(base.split("·", 1)[1].strip())
    if brand_prefix and base.startswith(brand_prefix):
        names.add(_EDGE_MARKS.sub("", base[len(brand_prefix) :]))
    return sorted((n for n in names if len(n) >= _MIN_ALIAS), key=len, reverse=True)


def _shared_prefix(names: list[str]) -> str:
    """The brand prefix all product names start with (山岚), when there are several products."""
    if len(names) < 2:
        return ""
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return _EDGE_MARKS.sub("", first[:size])


def _keep_unambiguous(facts: list[ProductFact]) -> None:
    """Drop an alias that names more than one product: it cannot tell which facts apply."""
    owners: dict[str, set[str]] = {}
    for fact in facts:
        for alias in fact.aliases:
            owners.setdefault(alias, set()).add(fact.name)
    for fact in facts:
        fact.aliases = [a for a in fact.aliases if len(owners[a]) == 1]


def load_product_facts(path: Path) -> list[ProductFact]:
    """Rows of the first Markdown table with 产品 and 价格 columns; a missing file means no facts."""
    if not path.is_file():
        return []
    lines = path.read_text("utf-8", errors="replace").splitlines()
    facts: list[ProductFact] = []
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        cells = (
            [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else None
        )
        if cells is None:
            if header is not None and facts:
                break
            header = None
            continue
        if header is None:
            if "产品" in cells and "价格" in cells:
                header = cells
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        name = row.get("产品", "")
        if name:
            facts.append(
                ProductFact(
                    name,
                    row.get("规格", ""),
                    row.get("价格", ""),
                    row.get("上市日期", ""),
                    number,
                    str(path),
                )
            )
    prefix = _shared_prefix([re.sub(r"[（(][^）)]*[）)]", "", f.name) for f in facts])
    for fact in facts:
        fact.aliases = _aliases(fact.name, prefix)
    _keep_unambiguous(facts)
    return facts


def _number(text: str) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", text)
    return float(match.group()) if match else None


class FactChecker:
    """Flags a product's price, pack size or launch date when a draft states a different one."""

    def __init__(self, facts: list[ProductFact]) -> None:
        self.facts = facts

    def findings(self, text: str) -> list[Finding]:
        """A `fact` finding for each stated number that contradicts the product table."""
        mentions = self._mentions(text)
        out: list[Finding] = []
        for index, (_, end, fact) in enumerate(mentions):
            stop_match = _SCOPE_END.search(text, end)
            scope_end = stop_match.start() if stop_match else len(text)
            if index + 1 < len(mentions):
                scope_end = min(scope_end, mentions[index + 1][0])
            out.extend(self._scope_findings(text, end, scope_end, fact))
        return out

    def _mentions(self, text: str) -> list[tuple[int, int, ProductFact]]:
        found: list[tuple[int, int, ProductFact]] = []
        for fact in self.facts:
            for alias in fact.aliases:
                for match in re.finditer(re.escape(alias), text):
                    if not any(s <= match.start() < e for s, e, _ in found):
                        found.append((match.start(), match.end(), fact))
        return sorted(found, key=lambda m: m[0])

    def _scope_findings(self, text: str, start: int, end: int, fact: ProductFact) -> list[Finding]:
        scope = text[start:end]
        out: list[Finding] = []

        def add(m: re.Match[str], what: str, stated: str, expected: str) -> None:
            out.append(
                Finding(
                    rule_id=f"fact.{what}",
                    category="fact",
                    severity="warning",
                    start=start + m.start(),
                    end=start + m.end(),
                    text=m.group(),
                    message=f"{fact.name} 的{_LABELS[what]}是 {expected}，稿件写的是 {stated}。"
                    f"来源：{fact.cite()}",
                    suggestion=expected,
                )
            )

        expected_price = _number(fact.price)
        promo = any(word in scope for word in _PROMO_WORDS)
        if expected_price is not None and not promo:
            for m in _PRICE.finditer(scope):
                value = float(m.group("a") or m.group("b")) if not m.group("c") else chinese_number(m.group("c"))
                if value is not None and value != expected_price:
                    add(m, "price", m.group(), fact.price)
        pack = _PACK.search(fact.spec)
        if pack:
            for m in _PACK.finditer(scope):
                if (float(m.group("g")), m.group("n")) != (float(pack.group("g")), pack.group("n")):
                    add(m, "spec", m.group(), fact.spec)
        volume = _VOLUME.search(fact.spec)
        if volume:
            for m in _VOLUME.finditer(scope):
                if m.group("v") != volume.group("v"):
                    add(m, "spec", m.group(), fact.spec)
        launch = _DATE.search(fact.launch)
        if launch and any(word in scope for word in _LAUNCH_WORDS):
            for m in _DATE.finditer(scope):
                stated = (int(m.group("y")), int(m.group("m")), int(m.group("d") or 0))
                expected = (int(launch.group("y")), int(launch.group("m")), int(launch.group("d") or 0))
                if stated[:2] != expected[:2] or (stated[2] and stated[2] != expected[2]):
                    add(m, "launch", m.group(), fact.launch)
        return out


_LABELS = {"price": "价格", "spec": "规格", "launch": "上市日期"}
