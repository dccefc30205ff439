"""Benchmark: `nmo analyze` on a generated 100,000-row export with report and charts, vs a naive baseline.

Run: .venv/bin/python benchmarks/analyst_bench.py [--rows 100000] [--repeat 3]
Each measurement runs in a fresh child process, so peak RSS is that run's own; the target is ≤ 5 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 5.0


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM (reset by exec, unlike ru_maxrss), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_analyze(export: Path, out: Path) -> dict[str, float]:
    """Full run as the CLI does it: read, clean, KPIs, narrative, charts, report files, insights."""
    started = time.perf_counter()
    from nmo.analyst.workflow import run_analysis
    from nmo.config import Settings

    imported = time.perf_counter()
    cpu_started = time.process_time()
    run = run_analysis(Settings(home=out / "home"), [export], report_dir=out / "report")
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    return {
        "import_s": imported - started,
        "analysis_and_report_s": finished - imported,
        "total_s": finished - started,
        "cpu_s": cpu,
        "rows_used": float(run.result.summary.rows_used),
        "peak_rss_mb": peak_rss_mb(),
    }


def child_naive(export: Path) -> dict[str, float]:
    """Baseline: a plain csv.DictReader loop computing only per-platform engagement rate (no report)."""
    import csv

    started = time.perf_counter()
    totals: dict[str, list[float]] = {}
    with export.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            views = float(row["阅读量"] or 0)
            engaged = sum(float(row[h] or 0) for h in ("点赞", "评论", "分享", "收藏"))
            cell = totals.setdefault(row["平台"], [0.0, 0.0])
            cell[0] += engaged
            cell[1] += views
    finished = time.perf_counter()
    return {"total_s": finished - started, "platforms": float(len(totals)), "peak_rss_mb": peak_rss_mb()}


def run_child(mode: str, export: Path, out: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", mode, str(export), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "EXPORT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, export, out = args.child
        figures = child_analyze(Path(export), Path(out)) if mode == "analyze" else child_naive(Path(export))
        print(json.dumps(figures))
        return

    from nmo.analyst.synthetic import synthetic_pieces, write_export

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        export = write_export(synthetic_pieces(args.rows), base / "export.csv")
        size_mb = export.stat().st_size / 1e6
        runs = [run_child("analyze", export, base / f"run{i}") for i in range(args.repeat)]
        naive = run_child("naive", export, base)
        html_kb = (base / "run0" / "report" / "report.html").stat().st_size / 1024
    best = min(r["analysis_and_report_s"] for r in runs)
    median = statistics.median(r["analysis_and_report_s"] for r in runs)
    print(f"export: {args.rows:,} rows, {size_mb:.1f} MB CSV (Chinese headers); report.html {html_kb:.0f} KB")
    for i, r in enumerate(runs):
        print(
            f"run {i}: import {r['import_s']:.2f} s, analysis+report {r['analysis_and_report_s']:.2f} s "
            f"(CPU {r['cpu_s']:.2f} s), total {r['total_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB, "
            f"rows used {r['rows_used']:,.0f}"
        )
    print(
        f"analysis+report: best {best:.2f} s, median {median:.2f} s of {len(runs)} "
        f"(target ≤ {TARGET_SECONDS:.0f} s: {'met' if median <= TARGET_SECONDS else 'NOT met'})"
    )
    print(f"peak memory: {max(r['peak_rss_mb'] for r in runs):.0f} MB RSS")
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"machine load average at the end: {load} (wall time grows with other processes; CPU time less so)")
    print(
        f"naive baseline (csv.DictReader loop, ER per platform only, no validation/report): "
        f"{naive['total_s']:.2f} s, peak RSS {naive['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
