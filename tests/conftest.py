"""Shared fixtures. Tests talk to the embedded server over HTTP; nothing here mocks a client."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CRDS = SHARED / "crds"


@pytest.fixture
def repo() -> Path:
    return REPO
