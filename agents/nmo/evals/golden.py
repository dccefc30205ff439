"""Golden cases from reviewers' approvals: export an approved draft, and check the gate still accepts them."""

from __future__ import annotations

from pathlib import Path

import yaml

from nmo.errors import ConflictError
from nmo.evals.cases import GoldenCase, load_cases
from nmo.evals.environment import EvalEnvironment
from nmo.evals.external import evaluator
from nmo.evals.metrics import Metric, SuiteResult, ratio
from nmo.ports import Gate
from nmo.schemas import DraftRecord, Finding


def override_key(finding: Finding) -> str:
    """How a golden case names an accepted finding: category and matched text (stable across rule renames)."""
    return f"{finding.category}:{finding.text}"


def golden_from_record(record: DraftRecord) -> GoldenCase:
    """A golden case from an approved draft; blocking findings the reviewer accepted with a note are kept."""
    if record.status != "approved":
        raise ConflictError(
            f"Draft {record.draft_id} is {record.status}; only approved drafts become golden cases.",
            f"Approve it first: `nmo review approve {record.draft_id} --by NAME`.",
        )
    approval = next((d for d in reversed(record.decisions) if d.action in ("approve", "edit")), None)
    note = approval.note if approval else ""
    overridden = sorted({override_key(f) for f in record.check.findings if f.blocking}) if record.check and note else []
    return GoldenCase(
        id=record.draft_id, description=f"approved by {approval.by if approval else '?'}: {record.topic}",
        platform=record.platform, topic=record.topic, text=record.text,
        approved_by=approval.by if approval else "", note=note, overridden=overridden,
        source_draft=record.draft_id, approved_at=approval.at.isoformat(timespec="seconds") if approval else "",
    )


def write_golden(case: GoldenCase, folder: Path, *, overwrite: bool = False) -> Path:
    """Write the case to folder/<id>.yaml; refuses to replace an existing case unless asked."""
    path = folder / f"{case.id}.yaml"
    if path.exists() and not overwrite:
        raise ConflictError(f"{path} already exists.", "Pass --force to replace it.")
    folder.mkdir(parents=True, exist_ok=True)
    data = case.model_dump(exclude_defaults=True)
    path.write_text(yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    return path


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks so a golden case stays readable and diffable."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_BlockDumper.add_representer(str, _string)


def golden_suite(env: EvalEnvironment, gate: Gate | None = None) -> SuiteResult:
    """Texts reviewers approved must not gain blocking findings the reviewer did not accept."""
    cases = load_cases(env.cases_dir("golden"), GoldenCase)
    if gate is None:
        gate = evaluator("nmo.checks", "build_gate")(env.settings)
    failures: list[str] = []
    for case in cases:
        result = gate.check(case.text, platform=case.platform)
        new = sorted({override_key(f) for f in result.findings if f.blocking} - set(case.overridden))
        if new:
            failures.append(f"{case.id}: new blocking findings on approved text: {', '.join(new)}")
    return SuiteResult(
        suite="golden", backend=env.backend, status="ok", cases=len(cases), failures=failures,
        metrics=[
            Metric(name="cases", value=len(cases)),
            Metric(name="approved_text_false_alarm_rate", value=ratio(len(failures), len(cases), empty=0.0),
                   note="approved texts with blocking findings the reviewer did not accept"),
        ],
    )
