"""The error taxonomy: user errors, gate failures, LLM failures, conflicts; each says what to do next."""

from __future__ import annotations


class NmoError(Exception):
    """Base of every error nmo reports to a user; `fix` tells them what to do next."""

    exit_code = 2
    http_status = 400

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem} {self.fix}".strip()


class UserInputError(NmoError):
    """The user's input is wrong: a bad flag, an unknown platform, an empty brief, a malformed file."""

    http_status = 422


class NotFoundError(UserInputError):
    """Something the user named (a draft, a plan item, a file) does not exist."""

    http_status = 404


class ConflictError(NmoError):
    """The action does not fit the current state (approving an approved draft, a stale action)."""

    http_status = 409


class KnowledgeError(NmoError):
    """The knowledge base is missing, empty or unreachable."""

    http_status = 503


class StorageError(NmoError):
    """The data directory or checkpointer cannot be used."""

    http_status = 503


class GateFailed(NmoError):
    """A text has blocking findings."""

    exit_code = 1
    http_status = 422


class LLMError(NmoError):
    """The configured LLM endpoint failed; `retryable` says whether another attempt may succeed."""

    http_status = 502
    retryable = True


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
