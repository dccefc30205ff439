"""Model extraction at ingest: when an LLM is configured, the profile is also read by the model and kept beside
the offline one in the brand's store (kept apart from nmo.brand.model_extract, which the store itself reads)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from nmo.brand.model_extract import (
    LLM_ROLE,
    PROMPT_NAME,
    PROMPT_ROLE,
    ModelExtraction,
    brand_passages,
    extract_with_model,
    fitted_passages,
    prompt_fingerprint,
)
from nmo.brand.store import BrandStore
from nmo.schemas import SourceDocument

if TYPE_CHECKING:
    from nmo.config import Settings


def refresh_model_extraction(settings: Settings, documents: Sequence[SourceDocument]) -> ModelExtraction | None:
    """At ingest with an LLM configured, extract the profile through the model and keep it beside the offline
    one; None offline. The call is skipped when the last good extraction had exactly this prompt."""
    if not settings.uses_llm or not documents:
        return None
    from nmo.llm import OpenAIStructuredLLM
    from nmo.prompts import PromptLibrary

    template = PromptLibrary.load(settings.prompts_dir).get(PROMPT_ROLE, PROMPT_NAME)
    target = settings.llm_target("planner")
    passages = fitted_passages(template, brand_passages(documents), target)
    store = BrandStore.for_settings(settings)
    previous = store.model_extraction()
    if previous is not None and previous.outcome == "ok" and previous.fingerprint == prompt_fingerprint(template,
                                                                                                      passages):
        return previous
    extraction = extract_with_model(OpenAIStructuredLLM(target, LLM_ROLE), template, passages)
    store.save_model_extraction(extraction)
    return extraction
