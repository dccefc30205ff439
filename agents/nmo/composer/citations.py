"""Footnote markers in a draft: find them in render order, renumber after edits, drop unused citations."""

from __future__ import annotations

from nmo.render import CITATION_MARKER
from nmo.schemas import DraftContent, Shot, Variant


def _texts(content: DraftContent) -> list[str]:
    texts = [content.title, content.digest, content.hook]
    for shot in content.shots:
        texts += [shot.visual, shot.voiceover, shot.onscreen]
    texts += [content.body, content.cta]
    for variant in content.variants:
        texts += [variant.title, variant.hook]
    return texts


def cited_numbers(content: DraftContent) -> list[int]:
    """Footnote numbers in the order they first appear in the rendered draft."""
    seen: list[int] = []
    for text in _texts(content):
        for match in CITATION_MARKER.finditer(text):
            number = int(match.group(1))
            if number not in seen:
                seen.append(number)
    return seen


def renumber_citations(content: DraftContent) -> DraftContent:
    """Number markers 1..n in order of appearance; citations no marker points at are dropped."""
    order = [n for n in cited_numbers(content) if 1 <= n <= len(content.citations)]
    mapping = {old: new for new, old in enumerate(order, start=1)}

    def fix(text: str) -> str:
        return CITATION_MARKER.sub(
            lambda m: f"[^{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", text
        )

    return content.model_copy(
        update={
            "title": fix(content.title),
            "digest": fix(content.digest),
            "hook": fix(content.hook),
            "body": fix(content.body),
            "cta": fix(content.cta),
            "shots": [
                Shot(time=s.time, visual=fix(s.visual), voiceover=fix(s.voiceover), onscreen=fix(s.onscreen))
                for s in content.shots
            ],
            "variants": [
                Variant(label=v.label, title=fix(v.title), hook=fix(v.hook)) for v in content.variants
            ],
            "citations": [content.citations[old - 1] for old in order],
        }
    )
