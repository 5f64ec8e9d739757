"""27,000 values (334 cities × 27 monthly indicators × 3 months) read and validate well under 3 s."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402

from intake.reader import read_upload  # noqa: E402
from intake.validate import validate  # noqa: E402

LIMIT_S = 3.0


@pytest.fixture(scope="module")
def ref():
    return B.big_reference()


@pytest.mark.parametrize("fmt, shape", [("csv", "long"), ("xlsx", "wide")])
def test_27k_values_read_and_validate_fast(ref, fmt, shape):
    data = B.big_upload(fmt, shape)
    t0 = time.process_time()
    raw = read_upload(data, f"big.{fmt}")
    v = validate(raw, ref, dt.date(2026, 4, 10))
    took = time.process_time() - t0
    assert len(raw.rows) == 27_054 and len(v.clean) == 27_054 and v.ok
    assert took < LIMIT_S, f"{fmt}/{shape}: {took:.2f} s CPU"
