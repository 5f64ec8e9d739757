"""Switch each rule of the books off in turn and show that the whole-period tests catch it.

    .venv/bin/python benchmarks/books_mutations.py [--examples N]

For every mutation the stateful test (tests/test_books_period.py) and the scenario tests
(tests/test_books_rules.py) run in a child pytest with the mutation applied through a conftest-free
``sitecustomize`` hook; the script prints, per mutation, whether each suite failed (caught) or passed
(missed). Slow: not part of ``make test``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MUTATIONS = {
    "plan approval forgets its previous version (writes the whole plan again)": """
import budget.plan_versions as pv
_orig = pv.layer_entries
pv.layer_entries = lambda content, previous, closed=frozenset(), **kw: _orig(content, None, closed, **kw)
""",
    "reserve cap not checked on the books": """
import budget.ledger_checks as L
L.reserve_over_cap = lambda *a, **k: None
""",
    "closed years writable": """
import monitor.ledger_change as lc
_orig = lc.check_targets
lc.check_targets = lambda con, new, allow_closed=False: _orig(con, new, allow_closed=True)
import budget.plan_versions as pv
_l = pv.layer_entries
pv.layer_entries = lambda content, previous, closed=frozenset(), **kw: _l(content, previous, frozenset(), **kw)
""",
    "no second signature for total changes": """
import budget.rules as R
_orig = R.signoff
R.signoff = lambda rules, action: "none" if action == "budget_total_change" else _orig(rules, action)
""",
    "a year can close before it ends": """
import monitor.accounts as A
import datetime as dt
_orig = A.approve
A.approve = lambda db_path, year, user, close_id=None, date=None, as_of=None: _orig(db_path, year, user, close_id, date, dt.date(2100, 1, 1))
""",
}


def run(mutation: str | None, tests: list[str]) -> tuple[bool, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BOOKS_NO_SHRINK="1")  # caught or missed is the question: no shrinking
        if mutation:
            Path(tmp, "sitecustomize.py").write_text(
                "import os\nif os.environ.get('BOOKS_MUTATION_ON'):\n" +
                "\n".join("    " + line for line in mutation.strip().splitlines()) + "\n", encoding="utf-8")
            env["PYTHONPATH"] = tmp + os.pathsep + env.get("PYTHONPATH", "")
            env["BOOKS_MUTATION_ON"] = "1"
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
                           cwd=ROOT, env=env, capture_output=True, text=True)
        return r.returncode == 0, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", choices=("both", "stateful", "scenarios"), default="both")
    args = ap.parse_args()
    suites = {"stateful": ["tests/test_books_period.py"], "scenarios": ["tests/test_books_rules.py"]}
    chosen = list(suites) if args.suite == "both" else [args.suite]
    print(f"{'mutation':<80} " + " ".join(f"{s:>10}" for s in chosen))
    ok = {s: run(None, suites[s])[0] for s in chosen}
    print(f"{'(none: the suites must pass)':<80} " + " ".join(f"{'pass' if ok[s] else 'FAIL':>10}" for s in chosen))
    for name, code in MUTATIONS.items():
        res = {s: run(code, suites[s]) for s in chosen}
        print(f"{name:<80} " + " ".join(f"{('missed' if res[s][0] else 'caught'):>10}" for s in chosen), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
