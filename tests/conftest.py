"""Shared fixtures: fresh automatic names per test, paths to samples and conformance cases."""
from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "cases"


@pytest.fixture(autouse=True)
def _fresh_names():
    from symcli.symbol import reset_names
    reset_names()
    yield


@pytest.fixture
def cases_dir() -> pathlib.Path:
    if not CONFORMANCE.is_dir():
        pytest.skip("the shared conformance cases are not beside this checkout")
    return CONFORMANCE


def symcli_cmd() -> list[str]:
    import sys
    return [sys.executable, "-m", "symcli"]


os.environ.setdefault("PYTHONHASHSEED", "0")
