"""Product facts from the brand profile, checked in drafts: price, spec, launch date and the sale window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nmo.brand.profile import Product
from nmo.clock import Clock
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


# A measured quantity and the factor to its family's base unit: a draft's 1.5L is compared with a spec's 1500ml.
_MEASURE_UNITS: dict[str, tuple[str, float]] = {
    "ml": ("volume", 1), "毫升": ("volume", 1), "l": ("volume", 1000), "升": ("volume", 1000),
    "mg": ("mass", 0.001), "毫克": ("mass", 0.001), "g": ("mass", 1), "克": ("mass", 1),
    "kg": ("mass", 1000), "千克": ("mass", 1000), "公斤": ("mass", 1000), "斤": ("mass", 500),
    "mm": ("length", 1), "毫米": ("length", 1), "cm": ("length", 10), "厘米": ("length", 10),
    "mah": ("charge", 1), "毫安时": ("charge", 1), "w": ("power", 1), "瓦": ("power", 1),
}
# single-letter units only in the case people write them (5G is a network, not five grams)
_MEASURE = re.compile(
    r"(?<![\d.])(?P<v>\d+(?:\.\d+)?)\s*"
    r"(?P<u>(?i:mah|ml|mg|kg|mm|cm)|毫安时|毫升|毫克|千克|公斤|毫米|厘米|[lL]|升|g|克|斤|W|瓦)(?![A-Za-z])"
)
_COUNT_UNITS = "袋|包|片|粒|支|瓶|罐|盒|条|颗|贴|只|枚|杯"
_PACK = re.compile(
    rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>[A-Za-z\u4e00-\u9fff]{{1,3}}?)\s*[×xX*乘]\s*(?P<n>\d+)\s*(?P<c>{_COUNT_UNITS})"
)
_DATE = re.compile(r"(?P<y>20\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*(?:[-月/.]\s*(?P<d>\d{1,2})\s*日?|月)")
_LAUNCH_WORDS = ("上市", "发售", "开售", "上新", "首发", "发布", "推出", "开卖")
_OFFER_WORDS = ("买", "购", "下单", "入手", "到手", "开售", "发售", "上新", "现货", "抢", "链接", "包邮", "库存",
                "上架", "有售", "在售", "可以喝到", "可以买到", "元", "块", "¥", "￥", "价")
# a sentence looking back at a product, or announcing it, is not offering it for sale now
_NOT_OFFERING_WORDS = ("已下架", "已售罄", "售罄", "下架了", "去年", "往年", "曾经", "回顾", "复盘", "停售",
                       "将于", "即将", "预告", "预约", "敬请期待", "明年")
_SENTENCE_MARKS = "。！？!?\n；;"
_SCOPE_END = re.compile(f"[{_SENTENCE_MARKS}]")
_PROMO_WORDS = ("活动", "到手", "券", "满", "减", "折", "原价", "秒杀", "优惠", "拼团", "会员", "直播间")
_MIN_DERIVED_NAME = 3
_CLAUSE_MARKS = "，,；;"
_EDGE_MARKS = re.compile(r"^[·・\s]+|[·・\s]+$")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class Measure:
    """A quantity in a family's base unit (500ml and 0.5L are the same measure)."""

    family: str
    value: float


def measures(text: str) -> list[tuple[re.Match[str], Measure]]:
    """Every measured quantity written in a text, with where it was written."""
    found = []
    for match in _MEASURE.finditer(text):
        family, factor = _MEASURE_UNITS[match.group("u").lower()]
        found.append((match, Measure(family, round(float(match.group("v")) * factor, 6))))
    return found


@dataclass
class KnownProduct:
    """A profile product with every name a draft may use for it."""

    product: Product
    names: list[str]

    def cite(self) -> str:
        """Where the facts were read: the source file and passage, or the profile when none is known."""
        source = self.product.source
        if source is None or not (source.source_path or source.quote):
            return "品牌资料"
        where = source.source_path or "品牌资料"
        return f"{where}「{source.quote}」" if source.quote else where


def _derived_names(name: str, brand_prefix: str) -> set[str]:
    """Names a draft may use besides the given ones: without a bracketed note, the part after ·, and
    without the prefix every product of the brand shares (山岚随行冷泡杯 → 随行冷泡杯)."""
    base = _BRACKETED.sub("", name).strip()
    names = {base}
    if "·" in base:
        names.add(base.split("·", 1)[1].strip())
    if brand_prefix and base.startswith(brand_prefix):
        names.add(_EDGE_MARKS.sub("", base[len(brand_prefix) :]))
    return {n for n in names if len(n) >= _MIN_DERIVED_NAME}


def _shared_prefix(names: list[str]) -> str:
    """The brand prefix all product names start with, when there are several products."""
    if len(names) < 2:
        return ""
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return _EDGE_MARKS.sub("", first[:size])


def known_products(products: list[Product]) -> list[KnownProduct]:
    """Products with their names, minus any name shared by two products (it cannot tell which facts apply)."""
    prefix = _shared_prefix([_BRACKETED.sub("", p.name) for p in products])
    named = [(p, {*p.names(), *_derived_names(p.name, prefix)}) for p in products]
    owners: dict[str, int] = {}
    for _, names in named:
        for name in names:
            owners[name] = owners.get(name, 0) + 1
    return [
        KnownProduct(p, sorted((n for n in names if owners[n] == 1), key=lambda n: (-len(n), n)))
        for p, names in named
    ]


def _price_text(price: float) -> str:
    return f"{price:g}元"


class FactChecker:
    """Flags a product's price, spec or launch date when a draft states another, and a product offered
    while it is not on sale (before its launch or outside its sale window), by the brand's clock."""

    def __init__(self, products: list[Product], clock: Clock) -> None:
        self.products = known_products(products)
        self.clock = clock

    def findings(self, text: str) -> list[Finding]:
        """A `fact` finding for each stated fact that contradicts the brand profile."""
        mentions = self._mentions(text)
        today = self.clock.today()
        out: list[Finding] = []
        for index, (start, end, known) in enumerate(mentions):
            stop_match = _SCOPE_END.search(text, end)
            scope_end = stop_match.start() if stop_match else len(text)
            if index + 1 < len(mentions):
                scope_end = min(scope_end, mentions[index + 1][0])
            out.extend(self._scope_findings(text, end, scope_end, known))
            out.extend(self._sale_window_findings(text, start, end, known, today))
        return out

    def _mentions(self, text: str) -> list[tuple[int, int, KnownProduct]]:
        found: list[tuple[int, int, KnownProduct]] = []
        for known in self.products:
            for name in known.names:
                for match in re.finditer(re.escape(name), text):
                    if not any(s <= match.start() < e for s, e, _ in found):
                        found.append((match.start(), match.end(), known))
        return sorted(found, key=lambda m: m[0])

    def _sale_window_findings(
        self, text: str, start: int, end: int, known: KnownProduct, today: date
    ) -> list[Finding]:
        product = known.product
        if product.on_sale(today):
            return []
        sentence_start = max(text.rfind(mark, 0, start) for mark in _SENTENCE_MARKS) + 1
        stop = _SCOPE_END.search(text, end)
        sentence = text[sentence_start : stop.start() if stop else len(text)]
        if not any(w in sentence for w in _OFFER_WORDS) or any(w in sentence for w in _NOT_OFFERING_WORDS):
            return []
        window = _window_text(product)
        return [
            Finding.in_text(
                text, start, end, rule_id="fact.sale_window", category="fact", severity="warning",
                message=f"{product.name} {window}，今天（{today.isoformat()}）不在售卖期内，稿件却在推荐购买。"
                f"来源：{known.cite()}",
                suggestion="换成在售产品，或写明售卖时间",
            )
        ]

    def _scope_findings(self, text: str, start: int, end: int, known: KnownProduct) -> list[Finding]:
        product = known.product
        scope = text[start:end]
        out: list[Finding] = []

        def add(m: re.Match[str], what: str, expected: str) -> None:
            out.append(
                Finding.in_text(
                    text, start + m.start(), start + m.end(), rule_id=f"fact.{what}", category="fact",
                    severity="warning",
                    message=f"{product.name} 的{_LABELS[what]}是 {expected}，稿件写的是 {m.group()}。"
                    f"来源：{known.cite()}",
                    suggestion=expected,
                )
            )

        if product.price is not None:
            for m in _PRICE.finditer(scope):
                if _in_promotion(scope, m.start()):
                    continue
                value = float(m.group("a") or m.group("b")) if not m.group("c") else chinese_number(m.group("c"))
                if value is not None and value != product.price:
                    add(m, "price", _price_text(product.price))
        if product.spec:
            for m in _spec_mismatches(scope, product.spec):
                add(m, "spec", product.spec)
        launch = product.launch
        if launch is not None and any(word in scope for word in _LAUNCH_WORDS):
            for m in _DATE.finditer(scope):
                stated = (int(m.group("y")), int(m.group("m")), int(m.group("d") or 0))
                if stated[:2] != (launch.year, launch.month) or (stated[2] and stated[2] != launch.day):
                    add(m, "launch", launch.isoformat())
        return out


def _in_promotion(scope: str, at: int) -> bool:
    """Whether the clause holding a price talks about a promotion (活动价, 到手, 满减): a promotional price may
    differ from the list price. Only that clause counts: 「日常价 159元，双12 有满减」 still states the price."""
    start = max((scope.rfind(mark, 0, at) for mark in _CLAUSE_MARKS), default=-1) + 1
    ends = [i for i in (scope.find(mark, at) for mark in _CLAUSE_MARKS) if i >= 0]
    clause = scope[start : min(ends, default=len(scope))]
    return any(word in clause for word in _PROMO_WORDS)


def _spec_mismatches(scope: str, spec: str) -> list[re.Match[str]]:
    """Pack sizes and measures in a scope that contradict the spec (only families the spec states)."""
    wrong: list[re.Match[str]] = []
    packs = [(m.group("u").lower(), float(m.group("v")), int(m.group("n"))) for m in _PACK.finditer(spec)]
    pack_spans: list[tuple[int, int]] = []
    for m in _PACK.finditer(scope):
        pack_spans.append(m.span())
        stated = (m.group("u").lower(), float(m.group("v")), int(m.group("n")))
        if packs and stated not in packs:
            wrong.append(m)
    expected: dict[str, set[float]] = {}
    for _, measure in measures(spec):
        expected.setdefault(measure.family, set()).add(measure.value)
    for m, measure in measures(scope):
        inside_pack = any(s <= m.start() < e for s, e in pack_spans)
        if not inside_pack and measure.family in expected and measure.value not in expected[measure.family]:
            wrong.append(m)
    return wrong


def _window_text(product: Product) -> str:
    starts = max((d for d in (product.launch, product.available_from) if d is not None), default=None)
    if starts and product.available_until:
        return f"售卖期为 {starts.isoformat()} 至 {product.available_until.isoformat()}"
    if starts:
        return f"{starts.isoformat()} 才开售"
    return f"已于 {product.available_until.isoformat() if product.available_until else ''} 停售"


_LABELS = {"price": "价格", "spec": "规格", "launch": "上市日期"}
