"""Personal data in a draft as people write it: mobiles (also in 一三八 or full-width digits, spaced or dashed),
ID-card numbers (checksum), emails, WeChat IDs and QQ numbers, bank cards; offsets point into the original text."""

from __future__ import annotations

import re

from nmo.checks.normalize import INVISIBLE, fold_width
from nmo.schemas import Finding

# People write contact details to slip past filters: 一三八…, full-width ８, ① or 𝟏, spaces, dashes or dots
# between digits, invisible characters anywhere. Invisible characters are removed first (their positions are
# remembered); the rest is folded one character for one, so offsets map back to the original text.
_NUMERALS = dict(zip("零〇一二三四五六七八九幺", "001234567891", strict=True))
_FOLD_NUMERALS = str.maketrans(_NUMERALS)
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
_GAP = r"[ \t\-–—.·_/]{0,3}"  # between digits: spaces, dashes, dots
# Each pattern opens with a character class (or a look-ahead for one) so `re` jumps between digits
# instead of trying a look-behind at every character of a long text.
_MOBILE = re.compile(
    rf"(?=[+81])(?<![\d])(?:\+?86{_GAP})?1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!{_GAP}\d)"
)
_ID_CARD = re.compile(rf"[1-9](?<![\dA-Za-z][1-9])(?:{_GAP}\d){{16}}{_GAP}[\dXx](?![\dA-Za-z])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?![A-Za-z])")
_LEAD_IN = r"\s*(?:号码|号|id|ID)?\s*(?:是|为)?\s*[:：]?\s*"
_WECHAT = re.compile(
    r"(?:微信|徽信|v信|V信|薇信|威信|VX|vx|Vx|vX|wx|WX|weixin|wechat|WeChat|加微|加薇|加v|加V|\+v|\+V)"
    + _LEAD_IN + r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
)
_QQ = re.compile(
    r"(?:QQ|qq|Qq|扣扣|企鹅号|Q号)群?" + _LEAD_IN + rf"(?P<id>[1-9](?:{_GAP}\d){{4,11}})(?!{_GAP}\d)"
)
_CARD = re.compile(r"\d(?<!\d\d)(?:[ -]?\d){15,18}(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_valid(number: str) -> bool:
    """True when an 18-digit resident ID number's last character matches its ISO 7064 checksum."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    """True when a card number passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _visible(text: str) -> tuple[str, list[int]]:
    """The text without invisible characters, and each kept character's offset in the original."""
    kept: list[int] = []
    pieces: list[str] = []
    cursor = 0
    for match in _INVISIBLE.finditer(text):
        pieces.append(text[cursor : match.start()])
        kept.extend(range(cursor, match.start()))
        cursor = match.end()
    pieces.append(text[cursor:])
    kept.extend(range(cursor, len(text)))
    return "".join(pieces), kept


def pii_findings(text: str) -> list[Finding]:
    """Findings for personal data that should not be published."""
    visible, origin = _visible(text)
    folded = fold_width(visible).translate(_FOLD_NUMERALS)  # contacts need no script conversion
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, rule: str, severity: str, message: str) -> None:
        start, end = origin[start], origin[end - 1] + 1
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        out.append(
            Finding.in_text(
                text, start, end, rule_id=f"pii.{rule}", category="pii", severity=severity,  # type: ignore[arg-type]
                message=message, suggestion="删除或打码（如 138****0000）",
            )
        )

    for match in _ID_CARD.finditer(folded):
        if id_card_valid(re.sub(r"[^\dXx]", "", match.group())):
            add(match.start(), match.end(), "id_card", "blocking", "身份证号码（校验位有效），不得公开")
    for match in _CARD.finditer(folded):
        digits = re.sub(r"\D", "", match.group())
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and not id_card_valid(digits):
            add(match.start(), match.end(), "bank_card", "blocking", "银行卡号（Luhn 校验有效），不得公开")
    for match in _MOBILE.finditer(folded):
        add(match.start(), match.end(), "mobile", "warning", "手机号码：确认是否为公开的客服电话，否则删除")
    for match in _EMAIL.finditer(folded) if "@" in folded else ():
        add(match.start(), match.end(), "email", "warning", "电子邮箱：确认是否可以公开")
    for match in _WECHAT.finditer(folded):
        add(match.start("id"), match.end("id"), "wechat_id", "warning", "微信号：个人联系方式，且多数平台视为站外引流")
    for match in _QQ.finditer(folded):
        add(match.start("id"), match.end("id"), "qq", "warning", "QQ 号：个人联系方式，且多数平台视为站外引流")
    return out
