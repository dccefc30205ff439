"""Disclosure duties: the AI-generated-content declaration and the 「广告」 label, as each platform asks for them.

The duties, their laws, the labels that meet them and what makes a piece an ad live in platforms.yaml
(disclosure_rules, and each platform's `disclosure`); this module finds which duties a text has, whether it
meets them, and says how to meet them on the platform. The gate turns an unmet duty into a warning; the
exports tell the publisher which switch to set or label to add.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel

from nmo.platforms import DutyRules, PlatformSpec, platform_table
from nmo.schemas import Finding

Duty = Literal["ai", "ad"]
_PRICE = re.compile(r"[¥￥]\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:元|块)")
_SENTENCE = re.compile(r"[^。！？!?\n]+")


class DutyNote(BaseModel):
    """One duty a piece has on its platform: the law, how to meet it there, and whether the text already does."""

    duty: Duty
    law: str
    how: str
    label: str
    in_text: bool

    def line(self) -> str:
        """The duty as one line for a publisher: 「《…》：do this（正文已标注…）」."""
        done = f"（正文已标注「{self.label}」）" if self.in_text else ""
        return f"{self.law}：{self.how}{done}"


def _compact(text: str) -> str:
    """Full-width folded, spaces dropped, upper-cased: 「内容由 ＡＩ 生成」 and 「内容由ai生成」 read alike."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def has_ai_label(text: str, rules: DutyRules) -> bool:
    """True when the text declares itself AI-generated (内容由AI生成, AI生成 …) anywhere."""
    compact = _compact(text)
    return any(_compact(label) in compact for label in rules.labels)


def has_ad_label(text: str, rules: DutyRules) -> bool:
    """True when the text carries an ad label marked as one: 「广告」, 【广告】, #广告, or 广告｜ at a line start."""
    for label in rules.labels:
        word = re.escape(label)
        marked = (
            rf"[【「\[（(]\s*{word}\s*[】」\]）)]"
            rf"|^[\s#>*]*{word}\s*[｜|:：/／]"
            rf"|#{word}(?![\w])"
        )
        if re.search(marked, unicodedata.normalize("NFKC", text), re.MULTILINE):
            return True
    return False


def purchase_path(text: str, rules: DutyRules) -> tuple[int, int] | None:
    """Where the text first offers a way to buy: a link, 小程序, 购物车 … or a price with buying words."""
    spans = [(m.start(), m.end()) for term in rules.purchase_paths for m in re.finditer(re.escape(term), text)]
    for sentence in _SENTENCE.finditer(text):
        price = _PRICE.search(sentence.group())
        if price and any(word in sentence.group() for word in rules.buy_words):
            spans.append((sentence.start() + price.start(), sentence.start() + price.end()))
    return min(spans) if spans else None


def duty_notes(text: str, spec: PlatformSpec, *, ai_written: bool = True) -> list[DutyNote]:
    """The duties this text has on this platform (AI declaration when machine-written, ad label with a purchase
    path), each with how to meet it there."""
    rules = platform_table().disclosure_rules
    notes: list[DutyNote] = []
    if ai_written:
        how = spec.disclosure.ai
        notes.append(DutyNote(duty="ai", law=rules.ai.law, how=f"{spec.name}{how.how}", label=how.label,
                              in_text=has_ai_label(text, rules.ai)))
    if purchase_path(text, rules.ad) is not None:
        how = spec.disclosure.ad
        notes.append(DutyNote(duty="ad", law=rules.ad.law, how=f"{spec.name}{how.how}", label=how.label,
                              in_text=has_ad_label(text, rules.ad)))
    return notes


def disclosure_findings(text: str, spec: PlatformSpec, *, ai_written: bool) -> list[Finding]:
    """A warning for each duty the text has and does not meet, saying how to meet it on this platform."""
    rules = platform_table().disclosure_rules
    out: list[Finding] = []
    for note in duty_notes(text, spec, ai_written=ai_written):
        if note.in_text:
            continue
        # The fix goes in the message, not in `suggestion`: a suggestion is replacement text the reviser and
        # the desk's one-click fix would paste over the highlighted words.
        if note.duty == "ai":
            out.append(Finding.on_draft(
                rule_id="disclosure.ai_label", category="disclosure", severity="warning",
                message=f"{rules.ai.duty}（{note.law}）。发布时{note.how}，或在正文加一行「{note.label}」",
            ))
            continue
        span = purchase_path(text, rules.ad)
        assert span is not None  # an ad duty exists only where a purchase path was found
        out.append(Finding.in_text(
            text, span[0], span[1], rule_id="disclosure.ad_label", category="disclosure", severity="warning",
            message=f"{rules.ad.duty}（{note.law}）。这里给了购买途径，稿件却没有「{note.label}」标识：{note.how}",
        ))
    return out
