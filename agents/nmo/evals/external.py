"""Suites measured by other parts' own evaluators (knowledge, gate, planner/writer, analyst), imported lazily.

Each adapter calls the owner's evaluation function and reads its figures; the metric code stays with
its owner. When the owner's module or function is not installed, the suite is skipped with the reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nmo.evals.environment import EvalEnvironment, ingest_knowledge, project_root, shared_folder
from nmo.evals.metrics import Metric, SuiteResult, SuiteUnavailable, flatten_metrics

CSC_FILES = ("sighan15_test.tsv", "ecspell_odw_test.tsv")


def evaluator(module: str, name: str) -> Any:
    """The named function of a part, or SuiteUnavailable saying what is missing."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            raise SuiteUnavailable(f"{module} is not installed in this checkout") from None
        raise
    function = getattr(loaded, name, None)
    if function is None:
        raise SuiteUnavailable(f"{module} has no {name}() yet")
    return function


def _cases_path(env: EvalEnvironment, suite: str, name: str = "") -> Path:
    path = env.evals_dir / suite / name if name else env.evals_dir / suite
    if not path.exists():
        raise SuiteUnavailable(f"no cases: {path} does not exist")
    return path


def _ok(
    suite: str, env: EvalEnvironment, metrics: list[Metric], cases: int, failures: Sequence[str] = ()
) -> SuiteResult:
    return SuiteResult(suite=suite, backend=env.backend, status="ok", metrics=metrics, cases=cases,
                       failures=list(failures))


def retrieval_suite(env: EvalEnvironment) -> SuiteResult:
    """Recall@5 and MRR of the knowledge base on evals/retrieval/ (the configured mode, plus every mode)."""
    evaluate = evaluator("nmo.knowledge.evaluate", "evaluate_retrieval")
    load = evaluator("nmo.knowledge.evaluate", "load_cases")
    cases = load(_cases_path(env, "retrieval", "cases.yaml"))
    ingest_knowledge(env.settings)
    from nmo.knowledge import open_knowledge_base

    kb = open_knowledge_base(env.settings)
    report = evaluate(kb, cases, k=5)
    used = report.modes[kb.retrieval_mode]
    metrics = [Metric(name="recall_at_5", value=round(used.recall_at_k, 4), note=f"{kb.retrieval_mode} mode"),
               Metric(name="mrr", value=round(used.mrr, 4), note=f"{kb.retrieval_mode} mode"),
               Metric(name="search_p95_ms", value=round(used.p95_ms, 1), unit="ms")]
    for mode, figures in sorted(report.modes.items()):
        metrics += [Metric(name=f"{mode}.recall_at_5", value=round(figures.recall_at_k, 4)),
                    Metric(name=f"{mode}.mrr", value=round(figures.mrr, 4))]
    return _ok("retrieval", env, metrics, report.cases, [f"miss ({kb.retrieval_mode}): {m}" for m in used.misses])


def gate_suite(env: EvalEnvironment) -> SuiteResult:
    """Per-category precision and recall and the clean-text false-alarm rate on evals/gate/."""
    evaluate = evaluator("nmo.checks.evaluation", "evaluate_gate")
    load = evaluator("nmo.checks.evaluation", "load_gate_cases")
    cases = load(_cases_path(env, "gate", "cases.yaml"))
    env.ensure_knowledge()  # the brand's rules come from the profile that ingest builds
    from nmo.checks import build_gate

    measured = evaluate(build_gate(env.settings), cases)
    summary = measured.summary()
    metrics = [Metric(name="clean_false_alarm_rate", value=summary["clean_false_alarm_rate"])]
    per_category: dict[str, dict[str, float]] = summary["per_category"]
    for category, scores in sorted(per_category.items()):
        metrics += [Metric(name=f"{category}.precision", value=scores["precision"]),
                    Metric(name=f"{category}.recall", value=scores["recall"])]
    if per_category:
        metrics += [
            Metric(name="macro_precision", value=round(sum(s["precision"] for s in per_category.values())
                                                       / len(per_category), 4)),
            Metric(name="macro_recall", value=round(sum(s["recall"] for s in per_category.values())
                                                    / len(per_category), 4)),
        ]
    failures = [f"missing {m.missing} extra {m.extra}: {m.text[:60]}" for m in measured.misses]
    return _ok("gate", env, metrics, measured.cases, failures)


def csc_suite(env: EvalEnvironment) -> SuiteResult:
    """The gate's typo checks on the public CSC test sets in ../shared/benchmarks/csc/."""
    folder = shared_folder(project_root()) / "benchmarks" / "csc"
    if not folder.is_dir():
        raise SuiteUnavailable(f"the public CSC benchmarks are absent ({folder} does not exist)")
    evaluate = evaluator("nmo.checks.csc", "evaluate_csc")
    load = evaluator("nmo.checks.csc", "load_csc")
    checker = evaluator("nmo.checks.typos", "TypoChecker")()
    metrics: list[Metric] = []
    sentences = 0
    for name in CSC_FILES:
        path = folder / name
        if not path.exists():
            continue
        measured = evaluate(checker.findings, load(path))
        sentences += measured.sentences
        stem = name.removesuffix(".tsv")
        metrics += [Metric(name=f"{stem}.{key}", value=float(value))
                    for key, value in measured.summary().items() if key in ("precision", "recall", "false_alarm_rate")]
    if not metrics:
        raise SuiteUnavailable(f"none of {', '.join(CSC_FILES)} is in {folder}")
    return _ok("csc", env, metrics, sentences)


def planwrite_suite(env: EvalEnvironment) -> SuiteResult:
    """Platform limits, citation validity, numbers absent from the KB, node coverage, repetition (overall
    and per platform); on the live backend the cases marked `backend: llm` use the configured endpoint."""
    evaluate = evaluator("nmo.evals.planwrite", "evaluate_planwrite")
    folder = _cases_path(env, "planwrite")
    ingest_knowledge(env.settings)
    from nmo.checks import build_gate
    from nmo.knowledge import open_knowledge_base
    from nmo.prompts import PromptLibrary

    options: dict[str, Any] = {}
    if env.backend == "live":
        from nmo.llm import OpenAIStructuredLLM

        options["llm_factory"] = lambda: OpenAIStructuredLLM(env.settings.llm_target("writer"), "writer")
    report = evaluate(folder, open_knowledge_base(env.settings), prompts=PromptLibrary.load(env.settings.prompts_dir),
                      gate=build_gate(env.settings), **options)
    total = report.total().summary()
    metrics = flatten_metrics(total)
    threshold = float(getattr(report, "similarity_threshold", 0.0) or 0.0)
    if threshold:
        method = getattr(report, "similarity_method", "")
        metrics.append(Metric(name="topic_similarity_margin", value=round(threshold - total["max_topic_similarity"], 4),
                              note=f"{method} repetition threshold {threshold:g} minus the closest topic"))
    for platform, figures in sorted(report.platforms.items()):
        metrics += flatten_metrics(figures.summary(), prefix=f"{platform}.")
    return _ok("planwrite", env, [m for m in metrics if not m.name.endswith("requests")], report.requests,
               report.failures)


def analyst_suite(env: EvalEnvironment) -> SuiteResult:
    """KPIs and p-values against known answers on evals/analyst/."""
    evaluate = evaluator("nmo.analyst", "evaluate_analyst")
    measured = evaluate(_cases_path(env, "analyst"))
    metrics = [Metric(name="max_kpi_error", value=measured.max_kpi_error),
               Metric(name="max_p_value_error", value=measured.max_p_value_error),
               Metric(name="failed_checks", value=len(measured.failures)),
               Metric(name="checks", value=measured.checks)]
    return _ok("analyst", env, metrics, measured.cases, measured.failures)


def profile_suite(env: EvalEnvironment) -> SuiteResult:
    """Brand-profile extraction against the hand-written keys in evals/brands/ (and the sample's): offline
    rules on the offline backend; on the scripted backend the recorded model answers, replayed through the
    real client, scored alone (`model.`) and merged with the offline profile (the figures gated)."""
    from nmo.brand.evaluation import load_documents, load_key, score_profile
    from nmo.brand.extract import extract_profile

    folder = _cases_path(env, "brands")
    metrics: list[Metric] = []
    failures: list[str] = []
    lowest: dict[str, float] = {}
    keys = sorted(folder.glob("*.answer.yaml"))
    for key in keys:
        brand = key.name.removesuffix(".answer.yaml")
        brand_folder = env.settings.knowledge_dir if brand == "knowledge" else folder / brand
        documents = load_documents(brand_folder)
        offline = extract_profile(documents)
        profiles = {"": offline}
        if env.backend == "scripted":
            replayed = _replayed_model_profile(env, folder, brand, documents, offline)
            if isinstance(replayed, str):
                failures.append(replayed)
                continue
            model_profile, merged, dropped = replayed
            profiles = {"model.": model_profile, "merged.": merged}
            metrics.append(Metric(name=f"model.{brand}.dropped_entries", value=dropped))
        expected = load_key(key)
        for prefix, profile in profiles.items():
            for field, score in score_profile(profile, expected).fields.items():
                for measure in ("precision", "recall"):
                    value = round(getattr(score, measure), 4)
                    metrics.append(Metric(name=f"{prefix}{brand}.{field}.{measure}", value=value))
                    lowest[f"{prefix}min_{measure}"] = min(lowest.get(f"{prefix}min_{measure}", 1.0), value)
                if score.recall < 1 or score.precision < 1:
                    failures.append(f"{prefix}{brand} {field}: {score.correct} right of {score.extracted} "
                                    f"extracted, {score.expected} in the key")
    metrics += [Metric(name=name.replace("merged.", ""), value=value) for name, value in sorted(lowest.items())]
    return _ok("profile", env, metrics, len(keys), failures)


def _replayed_model_profile(
    env: EvalEnvironment, folder: Path, brand: str, documents: list[Any], offline: Any
) -> tuple[Any, Any, int] | str:
    """The model's profile from the brand's recorded answer (replayed by the scripted endpoint), the merged
    profile and how many entries were dropped; or why it cannot be measured (missing or stale recording)."""
    from nmo.brand.merge import merge_extractions
    from nmo.brand.model_extract import (
        LLM_ROLE,
        PROMPT_NAME,
        PROMPT_ROLE,
        brand_passages,
        extract_with_model,
        fitted_passages,
        long_context,
    )
    from nmo.brand.recordings import load_recording, recording_path, stale_reason
    from nmo.llm import OpenAIStructuredLLM
    from nmo.prompts import PromptLibrary
    from nmo.scripted_server import ScriptedReply

    path = recording_path(folder, brand)
    if not path.is_file():
        return f"{brand}: no recorded model answer at {path}"
    recording = load_recording(path)
    template = PromptLibrary.load(env.settings.prompts_dir).get(PROMPT_ROLE, PROMPT_NAME)
    target = long_context(env.settings.llm_target("planner"))
    passages = fitted_passages(template, brand_passages(documents), target)
    stale = stale_reason(recording, path, template, passages)
    if stale:
        return f"{brand}: {stale}"
    assert env.server is not None, "the scripted backend runs a scripted server"
    env.server.replies.append(ScriptedReply(content=recording.answer.model_dump_json()))
    extraction = extract_with_model(OpenAIStructuredLLM(target, LLM_ROLE), template, passages)
    if extraction.outcome != "ok":
        return f"{brand}: the replayed answer ended as {extraction.outcome}: {extraction.message}"
    merged, _ = merge_extractions(offline, extraction.profile)
    return extraction.profile, merged, len(extraction.dropped)


def brand_gate_suite(env: EvalEnvironment) -> SuiteResult:
    """The gate each test brand gets from its own ingested folder, on planted problems and clean sentences."""
    import yaml

    from nmo.checks import build_gate
    from nmo.knowledge import open_knowledge_base

    folder = _cases_path(env, "brands")
    metrics: list[Metric] = []
    failures: list[str] = []
    found_all = expected_all = clean_all = alarms_all = 0
    files = sorted(folder.glob("*.planted.yaml"))
    for path in files:
        cases = yaml.safe_load(path.read_text("utf-8"))
        brand = path.name.removesuffix(".planted.yaml")
        brand_folder = env.settings.knowledge_dir if brand == "knowledge" else folder / brand
        settings = env.settings.model_copy(update={"collection": f"eval-brand-{brand}"})
        open_knowledge_base(settings).ingest([brand_folder])
        gate = build_gate(settings)
        per_category: dict[str, list[int]] = {}
        for case in cases.get("planted", []):
            findings = [f for f in gate.check(case["text"]).findings if f.severity != "info"]
            for expected in case["expect"]:
                start = case["text"].find(expected["text"])
                end = start + len(expected["text"])
                hit = any(f.category == expected["category"] and f.start < end and start < f.end for f in findings)
                per_category.setdefault(expected["category"], []).append(int(hit))
                if not hit:
                    failures.append(f"{brand}: missed {expected['category']} 「{expected['text']}」 in {case['text']}")
        alarms = 0
        for text in cases.get("clean", []):
            extra = [f for f in gate.check(text).findings if f.severity != "info"]
            if extra:
                alarms += 1
                failures.append(f"{brand}: clean sentence flagged ({extra[0].category} 「{extra[0].text}」): {text}")
        for category, hits in sorted(per_category.items()):
            metrics.append(Metric(name=f"{brand}.{category}.recall", value=round(sum(hits) / len(hits), 4)))
        found = sum(sum(h) for h in per_category.values())
        expected_count = sum(len(h) for h in per_category.values())
        metrics.append(Metric(name=f"{brand}.clean_false_alarms", value=alarms))
        found_all, expected_all = found_all + found, expected_all + expected_count
        clean_all, alarms_all = clean_all + len(cases.get("clean", [])), alarms_all + alarms
    metrics += [Metric(name="recall", value=round(found_all / expected_all, 4) if expected_all else 0.0),
                Metric(name="clean_false_alarm_rate", value=round(alarms_all / clean_all, 4) if clean_all else 0.0)]
    return _ok("brand_gate", env, metrics, len(files), failures)
