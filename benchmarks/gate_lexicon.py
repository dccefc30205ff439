"""Gate matcher benchmark with the ~51k-term public sensitive lexicon, beside a naive `term in text` loop.

Run: .venv/bin/python benchmarks/gate_lexicon.py
Prints: import time, matcher build time (cold and from cache), matcher and full-gate throughput on 1 MB
of Chinese text (wall and CPU), one 3,000-character draft warm, peak memory, cold start of the real
`nmo check` console script (wall and CPU), a 5 MB file through `nmo check`, false alarms per 100k
characters of clean text before and after tiers and an allow list, and the figures before this branch.
Wall times depend on machine load, so the load average and CPU times are printed too.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from nmo.checks.csc import load_csc
from nmo.checks.gate import build_gate, build_lexicon, build_matcher
from nmo.checks.lexicon import add_allowed, import_term_list, read_term_list
from nmo.checks.matcher import TermMatcher
from nmo.checks.normalize import normalize
from nmo.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LEXICON_DIR = SHARED / "lexicons" / "sensitive-lexicon"
CSC_DIR = SHARED / "benchmarks" / "csc"
ALLOW_TOP = 30


def _clean_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(CSC_DIR.glob("*.tsv")):
        sentences.extend(pair.target for pair in load_csc(path))
    return sentences


def _settings(home: Path) -> Settings:
    return Settings(home=home, knowledge_dir=ROOT / "knowledge")


def _import_all(home: Path, tier: str) -> tuple[float, int]:
    started = time.perf_counter()
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        import_term_list(
            path,
            home / "lexicons",
            category="sensitive",
            severity="warning",
            name=f"sensitive-{path.stem}",
            tier=tier,
        )  # type: ignore[arg-type]
    terms = len({t for p in LEXICON_DIR.glob("*.txt") for t in read_term_list(p)})
    return time.perf_counter() - started, terms


def _alarms(matcher: TermMatcher, text: str) -> tuple[int, Counter[str]]:
    found = [
        f
        for f in matcher.findings(normalize(text))
        if f.category == "sensitive" and f.severity in ("blocking", "warning")
    ]
    return len(found), Counter(f.text for f in found)


def _nmo_check(home: Path, draft: Path, *args: str, runs: int = 5) -> dict[str, float]:
    """`nmo check FILE` through the installed console script: best wall time and its CPU time."""
    nmo = Path(sys.executable).with_name("nmo")
    env = {"NMO_HOME": str(home), "NMO_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "PATH": "/usr/bin:/bin"}
    best = (float("inf"), 0.0)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([str(nmo), "check", str(draft), *args], env=env, capture_output=True, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"nmo check failed: {done.stderr[-500:]!r}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return {"wall_s": round(best[0], 3), "cpu_s": round(best[1], 3)}


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


# main @ e658080 (pyahocorasick, before this branch), measured by its own copy of this script on the same
# machine at load average ~2.6 on 2 cores, minutes before this branch's figures at load ~2.8. Its cold
# start was timed through a check + lexicon Typer app (the console script then lacked other commands).
BEFORE = {
    "matcher_throughput_MB_per_s": 1.75,
    "full_gate_throughput_MB_per_s": 0.33,
    "draft_3000_chars_warm_ms_median": 15.5,
    "cold_start_nmo_check_s (+51k imported, cache warm)": {"wall_s": 1.29, "cpu_s": 1.26},
    "matcher_load_from_cache_seconds": 0.383,
    "peak_rss_MB": 500.3,
}


def main() -> int:
    """Run every measurement and print one JSON object per figure."""
    if not LEXICON_DIR.is_dir() or not CSC_DIR.is_dir():
        print(f"skip: {LEXICON_DIR} or {CSC_DIR} is absent")
        return 0
    out: dict[str, object] = {}
    sentences = _clean_sentences()
    random.Random(7).shuffle(sentences)
    half = len(sentences) // 2
    tune_text, measure_text = "\n".join(sentences[:half]), "\n".join(sentences[half:])
    out["clean_chars_measured"] = len(measure_text)

    raw_home = Path(tempfile.mkdtemp(prefix="nmo-bench-raw-"))
    seconds, unique_terms = _import_all(raw_home, "none")
    out["import_seconds_17_files"] = round(seconds, 2)
    out["unique_terms"] = unique_terms
    tier_home = Path(tempfile.mkdtemp(prefix="nmo-bench-tier-"))
    _import_all(tier_home, "auto")

    paths = sorted((raw_home / "lexicons").glob("*.yaml"))
    started = time.perf_counter()
    lexicon = build_lexicon(paths)
    out["lexicon_parse_seconds"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    raw_matcher = TermMatcher(lexicon)
    out["matcher_build_seconds"] = round(time.perf_counter() - started, 3)
    out["matcher_keys"] = raw_matcher.size
    build_matcher(_settings(raw_home))
    started = time.perf_counter()
    build_matcher(_settings(raw_home))
    out["matcher_load_from_cache_seconds"] = round(time.perf_counter() - started, 3)

    per_100k = 100_000 / len(measure_text)
    before, top_before = _alarms(raw_matcher, measure_text)
    tier_matcher = build_matcher(_settings(tier_home))
    after_tier, _ = _alarms(tier_matcher, measure_text)
    _, tune_counts = _alarms(tier_matcher, tune_text)
    allowed = [term for term, _ in tune_counts.most_common(ALLOW_TOP)]
    add_allowed(tier_home / "lexicons", allowed)
    allow_matcher = build_matcher(_settings(tier_home))
    after_allow, top_after = _alarms(allow_matcher, measure_text)
    out["false_alarms_per_100k_chars"] = {
        "before (all terms warning)": round(before * per_100k, 1),
        "after tiers (--tier auto)": round(after_tier * per_100k, 1),
        f"after tiers + allow list (top {ALLOW_TOP} false alarms of the other half)": round(after_allow * per_100k, 1),
    }
    out["top_false_alarms_before"] = top_before.most_common(8)
    out["top_false_alarms_after"] = top_after.most_common(8)

    terms = [r.term for r in lexicon.rules]
    unit = "\n".join(sentences)
    megabyte = (unit * (1_000_000 // len(unit.encode()) + 1)).encode()[:1_000_000].decode("utf-8", "ignore")
    wall, cpu = _timed(lambda: raw_matcher.findings(normalize(megabyte)))
    out["matcher_throughput_MB_per_s"] = round(1.0 / wall, 2)
    out["matcher_cpu_s_per_MB"] = round(cpu, 3)
    started = time.perf_counter()
    naive_hits = sum(1 for t in terms if t in megabyte)
    naive = time.perf_counter() - started
    out["naive_term_in_text_throughput_MB_per_s"] = round(1.0 / naive, 3)
    out["naive_terms_present"] = naive_hits

    gate = build_gate(_settings(raw_home))
    gate.check(measure_text[:3000])  # loads the dictionary buckets, idioms and jieba's tagger
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = _timed(lambda: gate.check(megabyte))
        walls.append(wall)
        cpus.append(cpu)
    out["full_gate_throughput_MB_per_s"] = round(1.0 / min(walls), 2)
    out["full_gate_cpu_s_per_MB"] = round(min(cpus), 3)
    out["full_gate_findings_per_MB"] = len(gate.check(megabyte).findings)
    tier_gate = build_gate(_settings(tier_home))
    tier_gate.check(measure_text[:3000])
    wall, cpu = min(_timed(lambda: tier_gate.check(megabyte)) for _ in range(3))
    out["full_gate_throughput_MB_per_s (list imported with --tier auto)"] = round(1.0 / wall, 2)

    draft = measure_text[:3000]
    gate.check(draft)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        gate.check(draft)
        timings.append(time.perf_counter() - started)
    out["draft_3000_chars_warm_ms_median"] = round(statistics.median(timings) * 1000, 2)
    started = time.perf_counter()
    for t in terms:
        _ = t in draft
    out["naive_draft_3000_chars_ms"] = round((time.perf_counter() - started) * 1000, 2)
    out["peak_rss_MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    draft_file = raw_home / "draft.md"
    draft_file.write_text(draft, "utf-8")
    brand_home = Path(tempfile.mkdtemp(prefix="nmo-bench-brand-"))
    _nmo_check(brand_home, draft_file, runs=1)  # first run fills the cache folder
    out["cold_start_nmo_check_s (brand lexicon only, cache warm)"] = _nmo_check(brand_home, draft_file)
    _nmo_check(raw_home, draft_file, runs=1)
    out["cold_start_nmo_check_s (+51k imported, cache warm)"] = _nmo_check(raw_home, draft_file)
    big_file = raw_home / "five_mb.md"
    big_file.write_text(megabyte * 5, "utf-8")
    out["nmo_check_5MB_file_s (brand lexicon only, --json)"] = _nmo_check(brand_home, big_file, "--json", runs=1)
    out["load_average_1min"] = round(os.getloadavg()[0], 2)
    out["before_this_branch"] = BEFORE
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
