"""The error taxonomy: user errors, gate failures, LLM failures, conflicts; each says what to do next.

Every error carries an English problem and fix (CLI, logs, API) and may carry a Chinese pair for the
review desk's pages, set where it is raised; without one, a page shows the Chinese summary of its kind.
"""

from __future__ import annotations


class NmoError(Exception):
    """Base of every error nmo reports to a user; `fix` tells them what to do next."""

    exit_code = 2
    http_status = 400
    zh_summary = "操作没有完成。"
    zh_advice = "请检查后重试；问题一直存在时请联系管理员。"

    def __init__(self, problem: str, fix: str = "", *, zh_problem: str = "", zh_fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.zh_problem = zh_problem
        self.zh_fix = zh_fix

    def __str__(self) -> str:
        return f"{self.problem} {self.fix}".strip()

    def in_chinese(self) -> tuple[str, str]:
        """The problem and fix a Chinese page shows; the English problem stays as detail when no Chinese one was set."""
        problem = self.zh_problem or f"{self.zh_summary}（{self.problem}）"
        return problem, self.zh_fix or self.zh_advice


class UserInputError(NmoError):
    """The user's input is wrong: a bad flag, an unknown platform, an empty brief, a malformed file."""

    http_status = 422
    zh_summary = "输入有误。"
    zh_advice = "请按提示修改后重新提交。"


class NotFoundError(UserInputError):
    """Something the user named (a draft, a plan item, a file) does not exist."""

    http_status = 404
    zh_summary = "找不到要找的内容。"
    zh_advice = "请回到列表重新选择。"


class ConflictError(NmoError):
    """The action does not fit the current state (approving an approved draft, a stale action)."""

    http_status = 409
    zh_summary = "内容的状态已经变了。"
    zh_advice = "请刷新页面查看最新状态。"


class KnowledgeError(NmoError):
    """The knowledge base is missing, empty or unreachable."""

    http_status = 503
    zh_summary = "品牌资料库不可用。"
    zh_advice = "请联系管理员检查品牌资料库。"


class StorageError(NmoError):
    """The data directory or checkpointer cannot be used."""

    http_status = 503
    zh_summary = "服务器的数据目录不可用。"
    zh_advice = "请联系管理员检查数据目录。"


class GateFailed(NmoError):
    """A text has blocking findings."""

    exit_code = 1
    http_status = 422
    zh_summary = "稿件还有阻断问题。"
    zh_advice = "请先修改；确需放行时，在备注里写明理由。"


class LLMError(NmoError):
    """The configured LLM endpoint failed; `retryable` says whether another attempt may succeed."""

    http_status = 502
    retryable = True
    zh_summary = "模型服务出错。"
    zh_advice = "请稍后重试；问题一直存在时请管理员检查模型服务。"


class LLMUnavailable(LLMError):
    """The endpoint could not be reached or kept failing (network, 5xx, 429 after retries)."""


class LLMMalformedAnswer(LLMError):
    """The endpoint answered, but not with output that validates against the expected model."""


class LLMRefused(LLMError):
    """The model refused to answer."""

    retryable = False


class BudgetExceeded(LLMError):
    """The prompt cannot fit the model's context even with no retrieved passages."""

    retryable = False
