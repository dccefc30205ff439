"""Every test runs on a pinned clock (NMO_TODAY), so no test depends on the day it runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

PINNED_TODAY = "2026-11-26"


@pytest.fixture(autouse=True, scope="session")
def pinned_clock() -> Iterator[str]:
    """NMO_TODAY for every test, module-scoped servers and the processes tests start; a test that needs
    another date sets its own with monkeypatch."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NMO_TODAY", PINNED_TODAY)
        yield PINNED_TODAY
