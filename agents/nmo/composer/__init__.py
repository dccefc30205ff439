"""The offline composer: plans and drafts built deterministically from the knowledge base, and the
pieces the LLM paths share with it (platform output models, grounding, limits, revision, evals)."""
