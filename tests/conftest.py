"""Every test runs on a pinned clock (NMO_TODAY), so no test depends on the day it runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

PINNED_TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """NMO_TODAY for the test and the processes it starts; a test that needs another date sets its own."""
    monkeypatch.setenv("NMO_TODAY", PINNED_TODAY)
    yield PINNED_TODAY
