"""The brand's tone rules as checks: how many exclamation marks and emoji a piece may have, how users are addressed."""

from __future__ import annotations

import re

from nmo.brand.profile import ToneRules
from nmo.schemas import Finding

_EXCLAMATION = re.compile(r"[!！]")
# Pictographs, dingbats and flags; variation selectors and joiners glue one emoji together, so 👩‍💻 counts once.
_EMOJI = re.compile(
    r"(?:[\U0001F1E6-\U0001F1FF]{2}"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
    r"(?:[\uFE0F\U0001F3FB-\U0001F3FF]|\u200D[\U0001F000-\U0001FAFF\u2600-\u27BF])*)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def tone_findings(text: str, tone: ToneRules) -> list[Finding]:
    """Warnings where a text breaks the brand's tone rules (limits per piece, the address term)."""
    out = _over_limit(text, _EXCLAMATION, tone.max_exclamations, "exclamations", "感叹号", "。")
    out += _over_limit(text, _EMOJI, tone.max_emoji, "emoji", "表情", "")
    out += _wrong_address(text, tone)
    return out


def _over_limit(
    text: str, pattern: re.Pattern[str], limit: int | None, rule: str, label: str, replacement: str
) -> list[Finding]:
    """One finding on each mark beyond the brand's limit, so a reviser knows which ones to drop."""
    if limit is None:
        return []
    marks = list(pattern.finditer(text))
    if len(marks) <= limit:
        return []
    message = f"全文 {len(marks)} 个{label}，品牌语气规范最多 {limit} 个"
    return [
        Finding.in_text(
            text, m.start(), m.end(), rule_id=f"platform_rule.tone_{rule}", category="platform_rule",
            severity="warning", message=message, suggestion=replacement or "删除",
        )
        for m in marks[limit:]
    ]


def _wrong_address(text: str, tone: ToneRules) -> list[Finding]:
    """Address terms the brand avoids; a one-character term only where it stands alone (亲， not 亲手)."""
    own = [m.span() for m in re.finditer(re.escape(tone.address_term), text)] if tone.address_term else []
    out: list[Finding] = []
    for term in tone.avoid_address_terms:
        term = term.strip()
        if not term or term == tone.address_term:
            continue
        for m in re.finditer(re.escape(term), text):
            if any(s <= m.start() and m.end() <= e for s, e in own):
                continue  # part of the brand's own term
            following = text[m.end() : m.end() + 1]
            if len(term) == 1 and following != "们" and _CJK.match(following):
                continue
            out.append(
                Finding.in_text(
                    text, m.start(), m.end(), rule_id="brand_term.address_term", category="brand_term",
                    severity="warning",
                    message=f"品牌称呼用户为「{tone.address_term}」，不用「{term}」" if tone.address_term
                    else f"品牌不用「{term}」称呼用户",
                    suggestion=tone.address_term or "删除",
                )
            )
    return out
