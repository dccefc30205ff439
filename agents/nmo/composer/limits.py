"""Platform limits applied to a draft: cut whole sentences, never a citation marker in half."""

from __future__ import annotations

import re

from nmo.composer.citations import renumber_citations
from nmo.composer.sentences import shorten
from nmo.platforms import PlatformSpec
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftContent, Variant

_UNIT = re.compile(r".*?(?:[。！？!?](?:\[\^\d+\])?|\n|$)", re.DOTALL)


def text_units(text: str) -> list[str]:
    """Sentences and line breaks of a text, each sentence keeping the marker that follows it."""
    return [u for u in _UNIT.findall(text) if u]


def fit_body(text: str, limit: int) -> str:
    """Keep whole sentences in order while the text stays within `limit` characters."""
    if len(text) <= limit:
        return text
    out = ""
    for unit in text_units(text):
        if len(out) + len(unit) > limit:
            break
        out += unit
    if not out.strip():  # not even the first sentence fits: whole clauses of it, never half a word
        out = shorten(CITATION_MARKER.sub("", text), limit)
    return out.rstrip()


def fit_line(text: str, limit: int | None) -> str:
    """A one-line part within its limit; a marker that would be cut is dropped whole."""
    text = " ".join(text.split()) if "\n" in text else text  # titles and hooks are one line
    if limit is None or len(text) <= limit:
        return text
    plain = CITATION_MARKER.sub("", text)
    fitted = shorten(plain, limit)
    if len(fitted) > limit and re.search(r"[｜|]", plain):
        # 「主题｜补充」: the part before the bar is the title itself, so a short title (视频号 16) keeps it.
        head = re.split(r"\s*[｜|]\s*", plain, maxsplit=1)[0]
        return shorten(head, limit) if head else fitted
    return fitted


def hashtag_room(content: DraftContent, spec: PlatformSpec) -> int:
    """Characters the rendered hashtags take when they are part of the body (微博)."""
    if "hashtags" in spec.parts or not content.hashtags:
        return 0
    return sum(len(spec.format_hashtag(t)) + 1 for t in content.hashtags)


def enforce_limits(content: DraftContent, spec: PlatformSpec) -> DraftContent:
    """A copy of the draft with every part within the platform's limits and citations renumbered."""
    tag_max = spec.hashtag.max or spec.limit("hashtags") or 0
    each = spec.limit("hashtag_each")
    hashtags = [t for t in content.hashtags if each is None or len(t) <= each][:tag_max]
    fitted = content.model_copy(update={"hashtags": hashtags})
    body_limit = spec.limit("body")
    body = content.body
    if body_limit is not None:
        body = fit_body(body, body_limit - hashtag_room(fitted, spec))
    hook = content.hook
    if "hook" in spec.requires and not hook.strip():
        # A required hook that went missing (e.g. deleted in review) comes back from the title.
        hook = CITATION_MARKER.sub("", content.title)
    fitted = fitted.model_copy(
        update={
            "title": fit_line(content.title, spec.limit("title")),
            "digest": fit_line(content.digest, spec.limit("digest")),
            "hook": fit_line(hook, spec.limit("hook")),
            "cta": fit_line(content.cta, spec.limit("cta")),
            "body": body,
            "variants": [
                Variant(
                    label=v.label,
                    title=fit_line(v.title, spec.limit("title")),
                    hook=fit_line(v.hook, spec.limit("hook")),
                )
                for v in content.variants
            ],
        }
    )
    return renumber_citations(fitted)
