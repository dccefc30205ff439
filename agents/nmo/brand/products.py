"""Products from product tables, product sub-sections (key：value lines or prose) and price-list lines."""

from __future__ import annotations

import re
from datetime import date

from nmo.brand.entries import Corpus, cite, key_value, matches_any, paragraphs, plain, split_terms
from nmo.brand.post_names import add_post_names
from nmo.brand.profile import Product
from nmo.brand.quantities import find_spec, normalized, parse_dates, parse_price, year_in
from nmo.brand.sections import Section
from nmo.brand.tables import Table

PRICE_KEYS = ("价格", "售价", "零售价", "定价", "price")
SPEC_KEYS = ("规格", "容量", "净含量", "尺寸", "spec", "size")
INGREDIENT_KEYS = ("配料", "成分", "材质", "原料", "用料", "ingredient", "material")
LAUNCH_WORDS = ("上市", "首发", "发售", "开售", "上新", "launch", "release", "open sales", "开始卖")
WINDOW_WORDS = ("限定", "限量", "卖到", "售卖期", "销售期", "供应期", "截止", "不再卖", "stop", "until", "不返场")
ALIAS_KEYS = ("别名", "简称", "又称", "俗称", "aka", "also called")
_ALIAS_NOTE = re.compile(r"[（(]\s*(?:常用)?(?:简称|别名|又称|俗称|aka)\s*[：:]?\s*([^）)]+)[）)]")
_BRACKET = re.compile(r"[（(][^）)]*[）)]")
_HEADING_PREFIX = re.compile(r"^[^：:]{1,12}[：:]\s*")
MIN_CALENDAR_PRODUCT_CHARS = 4
SHARED_SHARE = 0.8


def extract_products(corpus: Corpus) -> list[Product]:
    """Every product the brand documents describe; two sources that disagree on a price stay two entries."""
    products: list[Product] = []
    for table in corpus.tables:
        if table_is_products(table) and table.section.topic != "competitors":
            for product in _from_table(table):
                _merge(products, product)
    for section in corpus.about("products"):
        if section.document.kind == "competitor":
            continue
        described = _from_section(section)
        if described is not None:
            _merge(products, described)
    _price_list_lines(corpus, _with_aliases(products))
    _ingredient_lines(corpus, products)
    _short_name_lines(corpus, products)
    named = _with_aliases(products)
    passages = [f"{s.heading}\n{s.text()}" for s in corpus.sections if s.document.kind == "brand"]
    add_post_names([*passages, *(post.text for post in corpus.content)], named)
    return named


def calendar_products(corpus: Corpus, products: list[Product]) -> list[Product]:
    """Products the campaign calendar features that no product table or section describes (a seasonal gift box
    named only in the plan): the campaign's dates are its sale window, the spec is the one a passage states."""
    found: list[Product] = []
    for table in corpus.tables:
        if not table.has("date", "campaign"):
            continue
        date_col = table.column("date")
        name_col = table.column("campaign", exclude=(date_col,))
        products_col = table.column("campaign_products", exclude=(date_col, name_col))
        if products_col is None:
            continue
        year = year_in(table.section.heading) or year_in(table.section.document.title)
        for row in table.rows:
            for name in split_terms(row.get(products_col)):
                if not _names_a_product(name) or _mentioned(name, [*products, *found]) is not None:
                    continue
                owner = _closest_product(name, products)
                if owner is not None and _mostly_shared(name, owner):
                    owner.aliases.append(name)  # the calendar's short way of writing a known product (石耳速干裤)
                    continue
                window = parse_dates(row.get(date_col), year)
                found.append(Product(
                    name=name, spec=_spec_stated_for(name, corpus),
                    available_from=window[0] if len(window) >= 2 else None,
                    available_until=window[-1] if len(window) >= 2 else None,
                    source=cite(table.section, row.line.text)))
    return found


def _mostly_shared(short: str, product: Product) -> bool:
    """Whether most characters of a short name come from one of the product's names."""
    return max(len(set(short) & set(name)) for name in product.names()) >= SHARED_SHARE * len(set(short))


def _names_a_product(text: str) -> bool:
    """Long enough to be a product's name rather than 全店 / 无 / 新品 (the calendar's other entries)."""
    return len(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)) >= MIN_CALENDAR_PRODUCT_CHARS


def _spec_stated_for(name: str, corpus: Corpus) -> str:
    """The pack size or measure a passage writes right after the product's name (流心奶黄月饼礼盒 6 枚装)."""
    passages = [line.text for section in corpus.sections for line in section.lines]
    passages += [post.text for post in corpus.content]
    for passage in passages:
        for match in re.finditer(re.escape(name), passage):
            clause = re.split(r"[，,。；;！!？?\n]", passage[match.end():], maxsplit=1)[0]
            spec = find_spec(clause)
            if spec:
                return spec
    return ""


def table_is_products(table: Table) -> bool:
    """A table with a product-name column and a price or spec column (and no campaign dates)."""
    return table.has("name") and (table.has("price") or table.has("spec")) and not table.has("campaign")


def _from_table(table: Table) -> list[Product]:
    name_col = table.column("name")
    columns = {role: table.column(role, exclude=(name_col,)) for role in
               ("price", "spec", "ingredients", "launch", "window")}
    year = year_in(table.section.heading) or year_in(table.section.document.title)
    found: list[Product] = []
    for row in table.rows:
        name = row.get(name_col)
        if not name or parse_price(name) is not None:
            continue
        window = parse_dates(row.get(columns["window"]), year)
        launch = parse_dates(row.get(columns["launch"]), year)
        found.append(Product(
            name=_clean_name(name),
            aliases=_noted_aliases(name),
            spec=row.get(columns["spec"]),
            price=parse_price(row.get(columns["price"]), skip_promotions=False),
            ingredients=split_terms(row.get(columns["ingredients"])),
            launch=launch[0] if launch else None,
            available_from=window[0] if len(window) >= 2 else None,
            available_until=window[-1] if window else None,
            source=cite(table.section, row.line.text),
        ))
    return found


def _from_section(section: Section) -> Product | None:
    """A sub-section named after one product: its key：value lines, else the facts in its prose."""
    if section.level == 0 or not section.lines:
        return None
    name = _clean_name(_HEADING_PREFIX.sub("", section.name) if ":" in section.name or "：" in section.name
                       else section.name)
    year = year_in(section.heading) or year_in(section.document.title)
    spec = ""
    price_value: float | None = None
    ingredients: list[str] = []
    aliases = _noted_aliases(section.name)
    quote = ""
    launch: date | None = None
    window: list[date] = []
    for line in paragraphs(section.lines) + [ln for ln in section.lines if ln.text.lstrip().startswith(("-", "*"))]:
        text = plain(line.text)
        pair = key_value(text)
        key, value = pair if pair else ("", text)
        dates = parse_dates(text, year)
        if matches_any(key, SPEC_KEYS) and not spec:
            spec = _spec_of(value)
            quote = quote or text
        if matches_any(key, INGREDIENT_KEYS) and not ingredients:
            ingredients = split_terms(re.split(r"[。；;]", value)[0])
        if matches_any(key, ALIAS_KEYS):
            aliases.extend(split_terms(value))
        if price_value is None and not matches_any(key, ("活动", "promotion")):
            price_value = parse_price(value)
            if price_value is not None:
                quote = quote or text
        if not spec and (price_value is not None or matches_any(text, ("规格", "spec"))):
            spec = find_spec(value)
        if dates and matches_any(text, LAUNCH_WORDS) and launch is None:
            launch = dates[0]
        if dates and matches_any(text, WINDOW_WORDS):
            window.extend(dates)
        if not ingredients and matches_any(text, ("原料是", "配料是", "made from", "made of")):
            tail = re.split(r"原料是|配料是|made from|made of", text)[-1]
            ingredients = split_terms(re.split(r"[，,。；;]", tail.replace("和", "、"))[0])
    if price_value is None and not spec:
        return None
    window = sorted(set(window))
    return Product(
        name=name,
        aliases=aliases,
        spec=spec,
        price=price_value,
        ingredients=ingredients,
        launch=launch or (window[0] if window else None),
        available_from=window[0] if len(window) >= 2 else None,
        available_until=window[-1] if len(window) >= 2 else None,
        source=cite(section, quote or section.heading),
    )


def _price_list_lines(corpus: Corpus, products: list[Product]) -> None:
    """Lines that start with a known product's name and state a price (a PDF price list without pipes)."""
    for section in corpus.sections:
        if section.document.kind != "brand":
            continue
        year = year_in(section.document.title)
        for line in section.lines:
            text = normalized(plain(line.text))
            lead = next(((p, n) for p in products for n in p.names() if len(n) >= 4
                         and text.startswith(normalized(n))), None)
            if lead is not None:
                product, written = lead
                price = parse_price(text[len(normalized(written)):], skip_promotions=False)
                if price is not None:
                    dates = parse_dates(text, year)
                    _merge(products, Product(name=product.name, price=price, launch=dates[0] if dates else None,
                                             source=cite(section, line.text)))
                continue
            owner = _mentioned(text, products)
            dates = parse_dates(text, year)
            if owner is not None and len(dates) >= 2 and matches_any(text, WINDOW_WORDS):
                owner.available_from = owner.available_from or dates[0]
                owner.available_until = owner.available_until or dates[-1]


def _ingredient_lines(corpus: Corpus, products: list[Product]) -> None:
    """`- 产品名：a、b、c` lines under an ingredients label fill the ingredients a table left empty."""
    for section in corpus.about("products"):
        label_seen = False
        for line in section.lines:
            text = plain(line.text)
            if matches_any(text, INGREDIENT_KEYS) and len(text) <= 40 and text.rstrip().endswith((":", "：")):
                label_seen = True
                continue
            pair = key_value(text) if label_seen else None
            if pair is None:
                continue
            owner = _mentioned(_BRACKET.sub("", pair[0]), products)
            if owner is not None and not owner.ingredients:
                owner.ingredients = split_terms(pair[1])


_SHORT_NAMES = re.compile(
    r"^(?:short names?|nicknames?|aliases|also called|常用简称|简称|俗称|昵称|大家(?:常|都)?(?:叫|说))"
    r"[^：:]{0,24}[：:]\s*(?P<names>.+)$", re.IGNORECASE)


def _short_name_lines(corpus: Corpus, products: list[Product]) -> None:
    """A line listing the short names people use (`Short names people use: 鲜鸡粮、豆腐砂`): each name goes to
    the one product whose names share the most characters with it (at least two; a tie assigns nothing)."""
    for section in corpus.about("products"):
        for line in section.lines:
            match = _SHORT_NAMES.match(plain(line.text))
            if match is None:
                continue
            for short in split_terms(match.group("names").rstrip(".。")):
                owner = _closest_product(short, products)
                if owner is not None and short not in owner.names():
                    owner.aliases.append(short)


def _closest_product(short: str, products: list[Product]) -> Product | None:
    scored = sorted(((max(len(set(short) & set(name)) for name in p.names()), i) for i, p in enumerate(products)),
                    reverse=True)
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return products[scored[0][1]]


def _mentioned(text: str, products: list[Product]) -> Product | None:
    """The product a passage names (by name or alias, or a short name the product's name contains)."""
    for product in products:
        if any(name and name in text for name in product.names()):
            return product
    head = re.split(r"[为是：:，,（(]", text)[0].strip()
    if len(head) >= 3:
        return next((p for p in products if head in p.name), None)
    return None


def _merge(products: list[Product], new: Product) -> None:
    """Fill the facts of a product already found; a different price from elsewhere is kept as a second entry."""
    for product in products:
        if not set(product.names()) & set(new.names()):
            continue
        if new.price is not None and product.price is not None and new.price != product.price:
            if not any(p.price == new.price and set(p.names()) & set(new.names()) for p in products):
                products.append(new)
            return
        for field in ("spec", "price", "launch", "available_from", "available_until"):
            if not getattr(product, field) and getattr(new, field):
                setattr(product, field, getattr(new, field))
        product.ingredients = product.ingredients or new.ingredients
        product.aliases = list(dict.fromkeys([*product.aliases, *new.aliases]))
        return
    products.append(new)


def _spec_of(value: str) -> str:
    """A `规格：` value up to where it moves on to price or dates (`3g×12袋，79元，2026-12-01 上市` → 3g×12袋)."""
    kept: list[str] = []
    for part in re.split(r"[，,；;。]", _BRACKET.sub("", value)):
        # any year will do: the question is only whether the part states a date (12 月 1 日 has no year)
        if parse_price(part) is not None or parse_dates(part, 2000) or matches_any(part, LAUNCH_WORDS):
            break
        if part.strip():
            kept.append(part.strip())
    return "，".join(kept)


def _clean_name(name: str) -> str:
    return _ALIAS_NOTE.sub("", plain(name)).strip()


def _noted_aliases(name: str) -> list[str]:
    match = _ALIAS_NOTE.search(name)
    return split_terms(match.group(1)) if match else []


def _with_aliases(products: list[Product]) -> list[Product]:
    """Short names a draft may use: without a bracketed note, after `·`, without the prefix all names share."""
    bases = [_BRACKET.sub("", p.name).strip() for p in products]
    prefix = _shared_prefix(bases)
    for product, base in zip(products, bases, strict=True):
        short = {base}
        if "·" in base:
            short.add(base.split("·", 1)[1].strip())
        if prefix and base.startswith(prefix) and len(base) - len(prefix) >= 2:
            short.add(base[len(prefix):].strip(" ·×"))
        product.aliases = [a for a in dict.fromkeys([*product.aliases, *sorted(short)])
                           if a and a != product.name and len(a) >= 2]
    return products


def _shared_prefix(names: list[str]) -> str:
    """The brand prefix most product names start with (山岚, 呼噜研究所), even when one product lacks it."""
    candidates: set[str] = set()
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            size = 0
            while size < min(len(first), len(second)) and first[size] == second[size]:
                size += 1
            if size >= 2:
                candidates.add(first[:size])
    common = [p for p in candidates if 2 * sum(n.startswith(p) for n in names) >= len(names) > 1]
    return min(common, key=len, default="")
