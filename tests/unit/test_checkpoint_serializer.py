"""Every model the graph state holds comes back from a checkpoint as itself, not as a blocked or bare dict."""

from __future__ import annotations

import inspect

import pytest
from nmo import llm, schemas, state, usage
from nmo.checkpoints import serializer
from nmo.usage import LLMCall
from pydantic import BaseModel


def test_llm_usage_survives_a_checkpoint() -> None:
    call = LLMCall(role="writer", model="m", mode="json_schema", prompt_tokens=10, completion_tokens=5,
                   latency_ms=12.5, attempts=1, ok=True)
    serde = serializer()
    restored = serde.loads_typed(serde.dumps_typed({"usage": [call]}))
    assert restored == {"usage": [call]} and isinstance(restored["usage"][0], LLMCall)


@pytest.mark.parametrize("module", [schemas, state, llm, usage])
def test_every_state_model_is_allowed(module: object) -> None:
    from nmo.checkpoints import _state_models

    allowed = set(_state_models())
    for name, obj in vars(module).items():
        if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:  # type: ignore[attr-defined]
            assert (obj.__module__, name) in allowed
