"""The plans eval's labelled set: enough briefs on every brand, labels that resolve in the brands' answer
keys, and a checker built from the labels that fails a plan breaking them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from nmo.composer.brief import check_plan
from nmo.evals.plans import AnswerKey, labelled_constraints, load_plans_cases
from nmo.evals.suites import SUITES
from nmo.schemas import PlanItem

EVALS = Path(__file__).resolve().parents[2] / "evals"
CASES = load_plans_cases(EVALS / "plans" / "briefs.yaml")


def _key(brand: str) -> AnswerKey:
    return AnswerKey.model_validate(yaml.safe_load((EVALS / "brands" / f"{brand}.answer.yaml").read_text("utf-8")))


def _item(topic: str, angle: str = "讲步骤") -> PlanItem:
    return PlanItem(id="P-01", date=date(2026, 12, 4), slot="12:00", platform="wechat", pillar="p", topic=topic,
                    angle=angle, format="文章", reason="r")


def test_at_least_twenty_checkable_briefs_spread_over_every_brand() -> None:
    assert len(CASES.briefs) >= 20
    brands = {case.brand for case in CASES.briefs}
    assert brands == set(CASES.coverage_brief) == {"knowledge", "purrlab", "yanxu", "maisuili"}
    assert all(case.expect.model_dump(exclude_defaults=True) for case in CASES.briefs)  # each has a constraint


def test_every_labelled_focus_is_a_product_of_the_brands_key() -> None:
    for case in CASES.briefs:
        key = _key(case.brand)
        assert all(key.product(name).name == name for name in case.expect.focus)


def test_the_labelled_checker_fails_a_plan_that_breaks_the_labels() -> None:
    case = next(c for c in CASES.briefs if c.id == "y-no-rival-focus")
    key = _key(case.brand)
    constraints = labelled_constraints(case.expect, key)
    rival = key.competitor_names()[0]
    broken = check_plan([_item(f"我们和{rival}的帐篷比一比")], constraints, key.competitor_names())
    assert {v.constraint for v in broken} == {"competitor", "focus"}
    assert check_plan([_item("云栖帐篷暴雨夜实测")], constraints, key.competitor_names()) == []


def test_the_suite_is_registered_for_the_offline_backend() -> None:
    assert SUITES["plans"].backends == ("offline",) and SUITES["plans"].load().__name__ == "plans_suite"
