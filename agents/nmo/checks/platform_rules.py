"""Platform rules from agents/nmo/data/platforms.yaml: part lengths, folds, hashtags, required parts, links,
disclosure duties."""

from __future__ import annotations

import re
from typing import cast

from nmo.checks.disclosure import disclosure_findings
from nmo.checks.lexicon import LexiconRule
from nmo.platforms import PlatformSpec, platform_table
from nmo.render import hashtag_topics
from nmo.schemas import DraftContent, Finding, Severity

_URL = re.compile(
    r"https?://[^\s，。！？）)\]】>\"'“”]+|www\.[^\s，。！？）)\]】]+"
    r"|(?<![@\w.])[a-z0-9-]+\.(?:com|cn|net|org|io|cc|top|xyz)(?:/[^\s，。！？）)]*)?(?![\w])"
)
_QR = re.compile(r"二维码|扫码|扫一扫|长按识别|识别图中|扫描下方")
_PAIRED_TAG = re.compile(r"#([^#\s]{1,40})#")
_PREFIX_TAG = re.compile(r"(?<![#\w])#([^#\s，。！？,.!?]{1,40})(?=[\s，。！？,.!?]|$)")


def forbidden_rules() -> list[LexiconRule]:
    """Every platform's forbidden phrases as platform-scoped lexicon rules (category platform_rule)."""
    rules: list[LexiconRule] = []
    for key, spec in platform_table().platforms.items():
        for item in spec.forbidden:
            rules.append(
                LexiconRule(
                    term=item.term,
                    category="platform_rule",
                    severity="blocking",
                    message=f"{spec.name}：{item.message}",
                    group=f"{key}.forbidden",
                    source="platforms.yaml",
                    platforms=[key],
                    suggestion="删除",
                )
            )
    return rules


def _severity(value: str, default: Severity = "info") -> Severity:
    return cast(Severity, value) if value in ("blocking", "warning", "info") else default


def link_findings(text: str, spec: PlatformSpec | None) -> list[Finding]:
    """External links and QR-code wording, graded by the platform's link policy."""
    severity = _severity(spec.links.get("external", "info")) if spec else "info"
    note = spec.links.get("note", "") if spec else ""
    where = f"{spec.name}：" if spec else ""
    out: list[Finding] = []
    for m in _URL.finditer(text):
        out.append(
            Finding(
                rule_id="link.external",
                category="link",
                severity=severity,
                start=m.start(),
                end=m.end(),
                text=m.group(),
                message=f"{where}外部链接。{note}".strip(),
                suggestion="删除链接，或按平台规则放在允许的位置",
            )
        )
    for m in _QR.finditer(text):
        out.append(
            Finding(
                rule_id="link.qr_code",
                category="link",
                severity=severity,
                start=m.start(),
                end=m.end(),
                text=m.group(),
                message=f"{where}二维码引流用语。{note}".strip(),
                suggestion="删除",
            )
        )
    return out


CONTACT_RULES = {"pii.wechat_id": "微信号", "pii.qq": "QQ 号", "pii.mobile": "手机号", "pii.email": "邮箱"}


def offsite_contact_findings(pii: list[Finding], spec: PlatformSpec | None) -> list[Finding]:
    """Contact details (WeChat, QQ, phone, email) on platforms that penalise steering users off the platform,
    graded by the platform's link policy (blocking where off-site contact is forbidden)."""
    if spec is None or _severity(spec.links.get("external", "info")) == "info":
        return []
    severity = _severity(spec.links["external"])
    return [
        Finding(
            rule_id="link.offsite_contact",
            category="link",
            severity=severity,
            start=f.start,
            end=f.end,
            text=f.text,
            message=f"{spec.name}：留{CONTACT_RULES[f.rule_id]}属于站外引流。{spec.links.get('note', '')}".strip(),
            suggestion="删除",
        )
        for f in pii
        if f.rule_id in CONTACT_RULES
    ]


def _locate(text: str, part: str) -> tuple[int, int] | None:
    index = text.find(part) if part else -1
    return (index, index + len(part)) if index >= 0 else None


def _hashtag_line(text: str) -> tuple[int, int] | None:
    """Where the draft's line of topics is (#a# #b#, #a #b or 标签：a、b), if it has one."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if hashtag_topics(line):
            stripped = line.rstrip("\r\n")
            return offset, offset + len(stripped)
        offset += len(line)
    return None


_LINE_BREAKS = "，,、：:；;｜|·—- "


def cut_line(value: str, limit: int) -> str:
    """A one-line part (title, hook, call to action) cut to `limit`: at the last clause break in reach, else at
    the limit without splitting a number or a Latin word. A suggestion is text that replaces the part (the
    reviser and the desk paste it), so it must be the shortened line itself, never an instruction."""
    head = value[:limit]
    breaks = [i for i, char in enumerate(head) if char in _LINE_BREAKS and i >= limit // 2]
    if breaks:
        return head[: breaks[-1]].rstrip(_LINE_BREAKS)
    end = limit
    while end > limit // 2 and value[end - 1].isascii() and value[end - 1].isalnum() and value[end].isascii() \
            and value[end].isalnum():
        end -= 1
    return value[:end].rstrip(_LINE_BREAKS)


def _part_finding(
    text: str, where: str | tuple[int, int] | None, rule: str, severity: Severity, message: str,
    suggestion: str | None = None,
) -> Finding:
    """A platform-rule finding on a part of the text (given as its text or span), or on the whole draft
    when the part is not in the text (a missing part, topics the platform does not show)."""
    span = _locate(text, where) if isinstance(where, str) else where
    if span is None:
        return Finding.on_draft(
            rule_id=f"platform_rule.{rule}", category="platform_rule", severity=severity, message=message,
            suggestion=suggestion,
        )
    return Finding.in_text(
        text, span[0], span[1], rule_id=f"platform_rule.{rule}", category="platform_rule", severity=severity,
        message=message, suggestion=suggestion,
    )


def _hashtag_findings(text: str, spec: PlatformSpec, tags: list[str]) -> list[Finding]:
    out: list[Finding] = []
    style = spec.hashtag.style
    limit = spec.limit("hashtags") or spec.hashtag.max
    if style == "none" and tags:
        out.append(
            _part_finding(
                text,
                _hashtag_line(text),
                "hashtag_unused",
                "warning",
                f"{spec.name}不使用话题标签（hashtags），发布时会原样显示",
            )
        )
    elif limit and len(tags) > limit:
        out.append(
            _part_finding(
                text,
                _hashtag_line(text),
                "hashtag_count",
                "blocking",
                f"{spec.name}话题最多 {limit} 个，当前 {len(tags)} 个",
                f"保留最重要的 {limit} 个",
            )
        )
    each = spec.limit("hashtag_each")
    for tag in tags:
        bare = tag.strip().strip("#")
        if each and len(bare) > each:
            out.append(
                _part_finding(
                    text,
                    bare,
                    "hashtag_length",
                    "blocking",
                    f"{spec.name}每个标签最多 {each} 字，“{bare}”有 {len(bare)} 字",
                )
            )
        if re.search(r"\s", bare):
            out.append(
                _part_finding(
                    text,
                    tag,
                    "hashtag_syntax",
                    "warning",
                    f"话题“{tag}”含空格，会被截断",
                    spec.format_hashtag(bare.replace(" ", "")),
                )
            )
    return out


def _text_hashtag_style(text: str, spec: PlatformSpec) -> list[Finding]:
    """Hashtags written in the body in the wrong syntax for the platform."""
    out: list[Finding] = []
    if spec.hashtag.style == "paired":
        paired_spans = [(m.start(), m.end()) for m in _PAIRED_TAG.finditer(text)]
        for m in _PREFIX_TAG.finditer(text):
            if not any(s <= m.start() < e for s, e in paired_spans):
                out.append(
                    Finding(
                        rule_id="platform_rule.hashtag_syntax",
                        category="platform_rule",
                        severity="warning",
                        start=m.start(),
                        end=m.end(),
                        text=m.group(),
                        message=f"{spec.name}话题需写成 #话题#（成对井号）",
                        suggestion=spec.format_hashtag(m.group(1)),
                    )
                )
    elif spec.hashtag.style == "prefix":
        for m in _PAIRED_TAG.finditer(text):
            out.append(
                Finding(
                    rule_id="platform_rule.hashtag_syntax",
                    category="platform_rule",
                    severity="info",
                    start=m.start(),
                    end=m.end(),
                    text=m.group(),
                    message=f"{spec.name}话题写法为 #话题（只用前井号）",
                    suggestion=spec.format_hashtag(m.group(1)),
                )
            )
    return out


def platform_findings(text: str, spec: PlatformSpec, content: DraftContent | None) -> list[Finding]:
    """Length limits, display folds, required parts, hashtag rules and disclosure duties for one platform.

    A draft with its parts (`content`) is one nmo wrote, so it owes the AI declaration; a bare text may be
    anyone's and owes only what the text itself shows (an ad label where it offers a purchase path).
    """
    out = _text_hashtag_style(text, spec)
    parts: dict[str, str] = {"body": content.body if content else text}
    if content:
        parts.update(title=content.title, digest=content.digest, hook=content.hook, cta=content.cta)
    for part, value in parts.items():
        minimum = spec.limits[part].min if part in spec.limits else 0
        if value and len(value) < minimum:
            # A warning without a suggestion: the reviser would otherwise delete the short part, and the fix
            # (writing more) is the reviewer's.
            out.append(
                _part_finding(
                    text, value, f"{part}_too_short", "warning",
                    f"{spec.name}{spec.part_label(part)}至少 {minimum} 字，当前 {len(value)} 字："
                    f"请补到 {minimum} 字以上",
                )
            )
        limit = spec.limit(part)
        if limit is not None and len(value) > limit:
            out.append(
                _part_finding(
                    text,
                    value,
                    f"{part}_length",
                    "blocking",
                    f"{spec.name}{spec.part_label(part)}最多 {limit} 字，当前 {len(value)} 字",
                    f"删减到 {limit} 字以内" if part == "body" else cut_line(value, limit),
                )
            )
    if content and "title" in spec.parts and "\n" in content.title:
        out.append(_part_finding(text, content.title, "title_linebreak", "blocking", f"{spec.name}标题不能换行"))
    body = parts["body"]
    fold = spec.folds.get("body")
    if fold and len(body) > fold.at:
        out.append(
            Finding.on_draft(
                rule_id="platform_rule.fold",
                category="platform_rule",
                severity="warning",
                message=f"{spec.name}信息流约 {fold.at} 字后折叠（当前 {len(body)} 字）："
                f"把要点放在前 {fold.at} 字",
            )
        )
    digest_fold = spec.folds.get("digest_fallback")
    if digest_fold and content is not None and not content.digest.strip():
        out.append(
            _part_finding(
                text,
                body[: digest_fold.at],  # what readers will see in the digest's place
                "digest_fallback",
                "warning",
                f"{spec.name}未填摘要：将显示正文前 {digest_fold.at} 字（“{body[: digest_fold.at]}”）",
                "补写一句摘要",
            )
        )
    if content is not None:
        for required in spec.requires:
            if not getattr(content, required, None):
                out.append(
                    _part_finding(
                        text,
                        None,  # a missing part has no text to point at
                        f"requires_{required}",
                        "blocking",
                        f"{spec.name}稿件缺少必需部分：{spec.part_label(required)}",
                    )
                )
        out.extend(_hashtag_findings(text, spec, list(content.hashtags)))
    out.extend(disclosure_findings(text, spec, ai_written=content is not None))
    return out
