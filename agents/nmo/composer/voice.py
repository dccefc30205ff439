"""The brand's voice as rules a model can follow: address term, limits, do and don't, banned expressions and
terminology, read from the brand profile (never from the working directory)."""

from __future__ import annotations

from nmo.brand.profile import BrandProfile


def voice_rules(profile: BrandProfile) -> list[str]:
    """One line per rule, in Chinese; empty when the profile knows nothing of the brand's voice."""
    tone = profile.tone
    lines: list[str] = []
    if tone.address_term:
        avoid = f"（不用：{'、'.join(tone.avoid_address_terms)}）" if tone.avoid_address_terms else ""
        lines.append(f"称呼读者：{tone.address_term}{avoid}")
    if tone.max_exclamations is not None:
        lines.append(f"感叹号：全文最多 {tone.max_exclamations} 个")
    if tone.max_emoji is not None:
        lines.append(f"表情符号：全文最多 {tone.max_emoji} 个")
    lines += [f"要：{item}" for item in tone.do] + [f"不要：{item}" for item in tone.dont]
    for banned in profile.banned:
        lines.append(f"不写「{banned.term}」" + (f"，写「{banned.replacement}」" if banned.replacement else ""))
    lines += [f"写「{t.preferred}」，不写「{'」「'.join(t.avoid)}」" for t in profile.terminology if t.avoid]
    return lines
