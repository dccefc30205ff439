"""Fixtures shared by the web desk's unit tests: offline settings in a temporary home, one desk user per
role, and a client of the app over the fake agents. A test module overrides `settings` to change them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nmo.config import Settings
from nmo.web.app import create_app

from tests.web_support import add_users, fake_service_factory


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", backend="offline")


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    return add_users(settings)


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, fake_service_factory(settings))) as test_client:
        yield test_client
