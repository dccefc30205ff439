"""The `notes` eval: its labelled set covers the vocabulary, every platform and every brand, and its scoring
catches a change log that claims a change the text does not show."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.composer.notes import SetTitle, parse_note
from nmo.composer.notes_offline import NoteOutcome
from nmo.composer.notes_verify import Claim
from nmo.evals.notes import Expectation, NoteCase, judge_case, load_brand_cases
from nmo.evals.suites import SUITES
from nmo.platforms import platform_keys
from nmo.schemas import DraftContent

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "evals" / "notes"
BRANDS = sorted(p.name.removesuffix(".answer.yaml") for p in (ROOT / "evals" / "brands").glob("*.answer.yaml"))


def _all_cases() -> list[tuple[str, NoteCase, str]]:
    out = []
    for brand in BRANDS:
        cases, drafts = load_brand_cases(NOTES, brand)
        out += [(brand, case, drafts[case.draft].platform) for case in cases.cases]
    return out


def test_the_labelled_set_covers_every_brand_platform_and_kind_of_note() -> None:
    cases = _all_cases()
    assert len(cases) >= 80
    assert {brand for brand, _, _ in cases} == set(BRANDS) == {"knowledge", "maisuili", "purrlab", "yanxu"}
    assert {platform for _, _, platform in cases} >= set(platform_keys()) - {"shipinhao"}
    kinds = {i.kind for _, case, _ in cases for i in parse_note(case.note).instructions}
    assert kinds == {"set_title", "shorten_title", "change_angle", "tone", "length", "add", "remove", "reorder",
                     "replace"}
    assert sum(not case.expect.supported for _, case, _ in cases) >= 10
    assert all(case.expect.claims() or not case.expect.supported or case.expect.unchanged for _, case, _ in cases)


def test_the_suite_is_registered_with_floors() -> None:
    import yaml

    assert SUITES["notes"].target == "nmo.evals.notes:notes_suite"
    floors = yaml.safe_load((ROOT / "evals" / "thresholds.yaml").read_text("utf-8"))["notes"]
    assert floors["applied_correctly"]["min"] >= 0.9 and floors["false_claims"]["max"] == 0
    assert floors["unsupported_reported"]["min"] == 1.0


BEFORE = DraftContent(title="旧标题", body="正文。")


def _outcome(applied: bool, claims: list[Claim], source: str = "标题改成「新标题」") -> NoteOutcome:
    return NoteOutcome(source=source, instruction=SetTitle(text="新标题"), applied=applied,
                       summary="标题改为「新标题」", claims=claims)


def test_a_log_that_claims_an_unmade_change_is_counted() -> None:
    case = NoteCase(draft="d", note="标题改成「新标题」", expect=Expectation(title_equals="新标题"))
    lying = judge_case("b", case, BEFORE, BEFORE, [_outcome(True, [Claim(check="title_equals", text="新标题")])])
    assert not lying.correct and lying.false_claims == 1
    after = BEFORE.model_copy(update={"title": "新标题"})
    honest = judge_case("b", case, BEFORE, after, [_outcome(True, [Claim(check="title_equals", text="新标题")])])
    assert honest.correct and honest.false_claims == 0


@pytest.mark.parametrize("applied", [True, False])
def test_an_unsupported_note_must_be_reported_and_leave_the_draft(applied: bool) -> None:
    case = NoteCase(draft="d", note="换个角度", expect=Expectation(supported=False, unchanged=True))
    result = judge_case("b", case, BEFORE, BEFORE, [_outcome(applied, [], source="换个角度")])
    assert result.correct is (not applied)
    assert result.refusals_reported == (0 if applied else 1) and result.false_claims == (1 if applied else 0)
