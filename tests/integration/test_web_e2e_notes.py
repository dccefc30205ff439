"""Quick note actions on the review desk, in headless Chromium against the real offline composition: a
reviewer builds a note from the buttons, sends the draft back, and sees what changed and what was not applied.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.test_web_e2e import SCREENSHOTS, browser, login
from tests.integration.test_web_e2e_real import real_desk

pytestmark = pytest.mark.integration
__all__ = ["browser", "real_desk"]  # fixtures shared with the other end-to-end tests
PRICE = re.compile(r"\d+(?:\.\d+)?\s*元")


def test_quick_notes_build_the_note_and_the_revision_reports_what_it_did(
    browser: Any, real_desk: tuple[str, dict[str, str]]
) -> None:
    base_url, tokens = real_desk
    operator = login(browser, base_url, tokens["ops"])
    operator.goto(f"{base_url}/operate")
    operator.fill("#topic", "白桃乌龙的冷泡方法")
    for box in operator.locator("input[name=platforms]").all():
        box.set_checked(box.get_attribute("value") == "wechat")
    operator.click("#submit")
    operator.wait_for_selector("#progress li.done", timeout=180_000)
    draft_url = base_url + (operator.locator("#results li a").first.get_attribute("href") or "")
    operator.context.close()

    reviewer = login(browser, base_url, tokens["lee"])
    reviewer.goto(draft_url)
    assert PRICE.search(reviewer.inner_text("#draft-text")), "the sample's wechat draft states a price"
    labels = reviewer.locator("button.quick-note").all_inner_texts()
    assert any("不要提价格" in label for label in labels) and any("结尾加互动问题" in label for label in labels)
    reviewer.locator("button.quick-note", has_text="不要提价格").click()
    reviewer.locator("button.quick-note", has_text="换个角度").click()
    assert reviewer.input_value("#note") == "不要提价格；换个角度"
    reviewer.screenshot(path=str(SCREENSHOTS / "notes-1-quick-actions.png"), full_page=True)
    reviewer.click("#reject")
    reviewer.locator(".revisions li >> nth=1").wait_for(timeout=120_000)  # no string evaluation under the CSP

    assert not PRICE.search(reviewer.inner_text("#draft-text")), "prices stayed after 不要提价格"
    assert "删除了所有价格" in reviewer.inner_text("#change-log")
    refused = reviewer.locator("#not-applied")
    assert refused.is_visible() and "换个角度" in refused.inner_text()
    assert "删除了所有价格" not in refused.inner_text()
    reviewer.screenshot(path=str(SCREENSHOTS / "notes-2-revised.png"), full_page=True)
    reviewer.context.close()

