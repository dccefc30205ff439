"""The change log a revision leaves in `DraftContent.changes`: what was done, then what was not and why."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nmo.schemas import DraftRecord

NOT_APPLIED_HEADING = "未执行的审核意见"
MODEL_HINT = "可直接修改正文，或配置大模型（NMO_LLM_BASE_URL）后再退回"
MODEL_HINT_EN = "edit the text directly, or configure a model (NMO_LLM_BASE_URL) and send it back"
NOTHING_CHANGED = "没有可自动修改的问题，内容未变"


class ChangeLog(BaseModel):
    """A revision's change log in parts, for the desk and the CLI to show."""

    done: list[str] = Field(default_factory=list)
    not_applied: list[str] = Field(default_factory=list)


def format_change_log(round_number: int, done: list[str], not_applied: list[str]) -> str:
    """The log text: 「第N轮修改：…；…。未执行的审核意见：…——可直接修改正文，或配置大模型…」."""
    text = f"第{round_number}轮修改：" + ("；".join(done) if done else NOTHING_CHANGED)
    if not_applied:
        text += f"。{NOT_APPLIED_HEADING}：" + "；".join(not_applied) + f"——{MODEL_HINT}（{MODEL_HINT_EN}）"
    return text


def split_change_log(changes: str) -> ChangeLog:
    """The done and not-applied entries of a change log written by `format_change_log`."""
    done_text, _, rest = changes.partition(f"。{NOT_APPLIED_HEADING}：")
    _, colon, entries = done_text.partition("轮修改：")
    done = [d for d in (entries if colon else done_text).split("；") if d.strip()]
    not_applied = [n for n in rest.split(f"——{MODEL_HINT}")[0].split("；") if n.strip()] if rest else []
    return ChangeLog(done=done, not_applied=not_applied)


def latest_change_log(record: DraftRecord) -> ChangeLog | None:
    """The change log of a draft's current version when the writer made it (a reviewer's edit has none)."""
    if record.content is None or not record.content.changes.strip() or not record.revisions:
        return None
    if record.revisions[-1].backend == "human":
        return None
    return split_change_log(record.content.changes)
