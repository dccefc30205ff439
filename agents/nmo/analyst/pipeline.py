"""From export files to an AnalysisResult: read, clean, compute; no narrative or charts here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from nmo.analyst.cleaning import clean_tables, resolve_platform
from nmo.analyst.kpis import analyze_platform, prepare, total_kpis
from nmo.analyst.loading import RawTable, read_export
from nmo.analyst.models import AnalysisResult, PlatformAnalysis
from nmo.errors import UserInputError


def platform_name(key: str) -> str:
    """The display name of a platform key (xiaohongshu → 小红书), or the key itself when unknown."""
    from nmo.platforms import get_platform

    return get_platform(key).name if resolve_platform(key) else key


def analyze_files(
    paths: Sequence[Path],
    *,
    platform: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    post_ids: set[str] | None = None,
) -> AnalysisResult:
    """Read the exports and compute every KPI, trend and ranking; raise UserInputError on unusable input."""
    if not paths:
        raise UserInputError("No export file given.", "Pass one or more CSV/XLSX files: nmo analyze FILE...")
    if date_from and date_to and date_from > date_to:
        raise UserInputError(f"--from {date_from} is after --to {date_to}.", "Swap the two dates.")
    tables: list[RawTable] = []
    notes: list[str] = []
    for path in paths:
        found, skipped = read_export(Path(path))
        tables.extend(found)
        notes.extend(skipped)
    clean = clean_tables(
        tables, platform=platform, date_from=date_from, date_to=date_to, notes=notes, post_ids=post_ids
    )
    data = prepare(clean.frame)
    platforms: list[PlatformAnalysis] = []
    for key, rows in data.groupby("platform", sort=False):
        platforms.append(analyze_platform(rows, str(key), platform_name(str(key)), clean.sources))
    platforms.sort(key=lambda p: (-(p.totals.views or 0.0), p.platform))
    warnings = list(clean.summary.notes)
    for mapping in clean.summary.mappings:
        for metric, needs in mapping.missing.items():
            label = f"{mapping.file}[{mapping.sheet}]" if mapping.sheet else mapping.file
            warnings.append(f"{label}: {metric} not computed, missing {', '.join(needs)}")
    published = data["published_at"].dropna()
    return AnalysisResult(
        date_from=date_from,
        date_to=date_to,
        first_published=published.min().date() if len(published) else None,
        last_published=published.max().date() if len(published) else None,
        summary=clean.summary,
        overall=total_kpis(data, "all"),
        platforms=platforms,
        warnings=warnings,
    )
