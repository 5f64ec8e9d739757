"""A whole five-year period on one set of books, driven by a hypothesis state machine.

Random sequences of plan drafts, revisions and approvals (with the approver's confirmation), year closes and
re-closes, advances, transfers, separately-listed quota, total-changing entries (pending, then confirmed by a
second admin or not), rule changes and target loads run against a real DuckDB warehouse (three cities,
statistics 2020–2025, plan years 2021–2025). After every step:

1. the books balance;
2. every year's reserve is within the reserve cap in force;
3. a closed year never changes;
4. the books are append-only, and the plan's layer equals its approved version — so every close adjustment,
   advance, transfer and quota written by another stage is still there, undone by nobody;
5. a year's province total changes only in a plan approval, a close approval or a confirmed total-changing
   entry (an advance moves budget between years of the same period: the period's total stays).

``benchmarks/books_mutations.py`` switches each rule off in turn and shows this test failing.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import budget
from budget.plan_errors import PlanError
from monitor import accounts, approvals, ledger_change
from monitor import plan as mplan
from monitor import rules as mrules
from tests.books_util import CITIES, books_warehouse
from warehouse import budget_books, db, plans, users

pytestmark = pytest.mark.slow

YEARS = list(range(2021, 2026))
_TEMPLATE: dict[str, Path] = {}


def _template(base: Path) -> Path:
    """Three cities with monthly statistics 2020-2025, users and sign-off rules; built once, copied per run."""
    if "path" not in _TEMPLATE:
        _TEMPLATE["path"] = books_warehouse(base / "books_template")
    return _TEMPLATE["path"]


def _books(path):
    with db.connect(path) as con:
        ledger = budget_books.entries(con)
    bal = budget.apply(budget.entries_from_frame(ledger)) if len(ledger) else None
    return ledger, bal


def _year_state(bal, year):
    if bal is None:
        return ()
    r = bal.regions[bal.regions["year"] == year][["region", "budget", "separately_listed"]].round(6)
    t = bal.totals[bal.totals["year"] == year][["province_total", "reserve"]].round(6)
    return (tuple(map(tuple, r.to_numpy())), tuple(map(tuple, t.to_numpy())))


class BooksOverAPeriod(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.path = None
        self.plan = None
        self.closed_state: dict[int, tuple] = {}
        self.ledger_before = pd.DataFrame()
        self.totals_before: dict[int, float] = {}
        self.total_change_allowed = True
        self.period_total_only = False

    @initialize(reserve=st.sampled_from([0.0, 0.02, 0.03, 0.05]), approve=st.sampled_from([True, True, False]))
    def setup(self, reserve, approve):
        """A fresh warehouse; most runs start from a drafted and approved first version, so that every later
        step (closes, advances, revisions and their approvals) works on books that hold a plan."""
        base = Path(BooksOverAPeriod.tmp)
        src = _template(base)
        n = len(list(base.glob("run_*.duckdb")))
        self.path = base / f"run_{n}.duckdb"
        shutil.copy(src, self.path)
        self._snapshot(allowed=True)
        self.draft(reserve)
        if approve and self.plan is not None:
            self.approve(True)

    # ------------------------------------------------------------------ helpers
    def _snapshot(self, allowed: bool, period_only: bool = False):
        self.total_change_allowed, self.period_total_only = allowed, period_only
        ledger, bal = _books(self.path)
        self.ledger_before = ledger
        self.totals_before = {} if bal is None else dict(zip(bal.totals["year"].astype(int), bal.totals["province_total"]))

    def _try(self, fn, *a, **kw):
        """Run an action; a clear refusal is fine (and must change nothing: checked by the invariants)."""
        self.refused = None
        try:
            return fn(*a, **kw)
        except (budget.LedgerError, users.PermissionDenied, approvals.ApprovalError, accounts.CloseError,
                mrules.brules.RuleError, PlanError) as exc:
            self.refused = exc
            return None

    def _closed(self):
        with db.connect(self.path) as con:
            return ledger_change.closed_years(con)

    # ------------------------------------------------------------------ rules
    @precondition(lambda self: self.plan is None)
    @rule(reserve=st.sampled_from([0.0, 0.02, 0.03, 0.05]))
    def draft(self, reserve):
        self._snapshot(allowed=False)
        out = self._try(mplan.draft, self.path, "P", "2021-2025", user="adm1", method="history", reserve_share=reserve)
        self.plan = out["plan"] if out else None     # a reserve above the rule in force is refused

    @precondition(lambda self: self.plan is not None)
    @rule(factor=st.sampled_from([0.9, 1.0, 1.05]), reserve=st.sampled_from([0.0, 0.03, 0.05]))
    def revise(self, factor, reserve):
        self._snapshot(allowed=False)
        with db.connect(self.path) as con:
            total = plans.version(con, self.plan)["content"]["total"]
        self._try(mplan.revise, self.path, self.plan, user="adm1", total=round(total * factor, 2), reserve_share=reserve)

    @precondition(lambda self: self.plan is not None)
    @rule(confirm=st.sampled_from([True, True, False]))   # the approver mostly confirms: the books must move
    def approve(self, confirm):
        self._snapshot(allowed=True)
        out = self._try(mplan.approve, self.path, self.plan, None, "adm1")
        if out and out.get("status") == "pending":
            if confirm:
                self._try(approvals.confirm, self.path, out["approval"], "gov")
            else:
                approvals.refuse(self.path, out["approval"], "not now", "gov")

    @precondition(lambda self: self.plan is not None)
    @rule(factor=st.sampled_from([0.95, 1.0, 1.05]))
    def revise_and_approve(self, factor):
        """A mid-period revision approved and confirmed at once (the flow that must keep every other layer)."""
        self.revise(factor, 0.0)
        self.approve(True)

    @precondition(lambda self: self.plan is not None)
    @rule(reclose=st.booleans())
    def close_next_year(self, reclose):
        self._snapshot(allowed=True)
        closed = self._closed()
        open_years = [y for y in YEARS if y not in closed]
        if not open_years:
            return
        year = open_years[0]
        if self._try(accounts.run_close, self.path, year, "adm1") is None:
            return
        if reclose:
            accounts.run_close(self.path, year, "adm1")      # unchanged: stores nothing
        _, bal = _books(self.path)
        before = _year_state(bal, year)
        if self._try(accounts.approve, self.path, year, "adm1") is not None:
            self.closed_state[year] = before

    @precondition(lambda self: bool(self.closed_state))
    @rule(how=st.sampled_from(["transfer", "advance", "revision"]))
    def touch_a_closed_year(self, how):
        """Another stage tries to write into a closed year: a transfer, an advance from it, or a revision of the
        plan that changes every year (the approval must skip the closed ones)."""
        year = min(self.closed_state)
        if how == "revision":
            self.revise_and_approve(1.05)
            return
        self._snapshot(allowed=False, period_only=how == "advance")
        if how == "transfer":
            self._try(ledger_change.record_entry, self.path, type="transfer", year=year, amount=1.0, user="adm1",
                      reason="transfer", from_region=CITIES[0], to_region=CITIES[1])
        else:
            self._try(ledger_change.record_entry, self.path, type="advance", year=year, amount=1.0, user="adm1",
                      reason="advance", to_region=CITIES[0])

    @rule(city=st.sampled_from(CITIES), year=st.sampled_from(YEARS[:-1]), share=st.sampled_from([0.01, 0.04, 0.2]))
    def advance(self, city, year, share):
        self._snapshot(allowed=False, period_only=True)
        _, bal = _books(self.path)
        if bal is None:
            return
        nxt = bal.regions[(bal.regions["year"] == year + 1) & (bal.regions["region"] == city)]["budget"]
        if nxt.empty or float(nxt.iloc[0]) <= 0:
            return
        self._try(ledger_change.record_entry, self.path, type="advance", year=year, amount=round(float(nxt.iloc[0]) * share, 2),
                  user="adm1", reason="advance", to_region=city)

    @rule(a=st.sampled_from(CITIES + ["reserve"]), b=st.sampled_from(CITIES + ["reserve", "P"]),
          year=st.sampled_from(YEARS), amount=st.sampled_from([1.0, 10.0, 500.0]))
    def transfer(self, a, b, year, amount):
        self._snapshot(allowed=False)
        if a == "reserve":
            self._try(ledger_change.record_entry, self.path, type="reserve_release", year=year, amount=amount, user="adm1",
                      reason="release", to_region=b)
        else:
            self._try(ledger_change.record_entry, self.path, type="transfer", year=year, amount=amount, user="adm1",
                      reason="transfer", from_region=a, to_region=b)

    @rule(city=st.sampled_from(CITIES), year=st.sampled_from(YEARS), amount=st.sampled_from([2.0, 20.0]))
    def quota_from_reserve(self, city, year, amount):
        self._snapshot(allowed=False)
        self._try(ledger_change.record_entry, self.path, type="separately_listed", year=year, amount=amount, user="adm1",
                  reason="quota", from_region="reserve", to_region=city, project="plant")

    @rule(kind=st.sampled_from(["reserve_set_aside", "adjustment"]), year=st.sampled_from(YEARS),
          amount=st.sampled_from([5.0, 50.0, 3000.0]), confirm=st.booleans())
    def total_change(self, kind, year, amount, confirm):
        self._snapshot(allowed=False)
        out = self._try(ledger_change.record_entry, self.path, type=kind, year=year, amount=amount, user="adm1",
                        reason="raise", to_region="A" if kind == "adjustment" else "reserve")
        if out is not None and out[1]["status"] == "pending" and confirm:
            self._snapshot(allowed=True)
            self._try(approvals.confirm, self.path, out[1]["id"], "adm2")

    @rule(key=st.sampled_from(["reserve.cap_share", "advance.cap_share"]), value=st.sampled_from(["0.01", "0.05", "0.08"]))
    def rule_change(self, key, value):
        self._snapshot(allowed=False)
        self._try(mrules.set_rule, self.path, key, value, pd.Timestamp("2021-01-01").date(), "province decides", "adm1")

    # ------------------------------------------------------------------ invariants
    @invariant()
    def books_balance(self):
        if self.path is None:
            return
        _, bal = _books(self.path)
        assert bal is None or budget.check_balanced(bal)

    @invariant()
    def reserve_within_cap(self):
        if self.path is None:
            return
        _, bal = _books(self.path)
        if bal is None:
            return
        cap = mrules.current(self.path)["reserve.cap_share"]
        for y, r, t in zip(bal.totals["year"], bal.totals["reserve"], bal.totals["province_total"]):
            assert r <= cap * t + 1e-6, f"{y}: reserve {r} over {cap:.0%} of {t}"

    @invariant()
    def closed_years_never_change(self):
        if self.path is None:
            return
        _, bal = _books(self.path)
        for y, state in self.closed_state.items():
            assert _year_state(bal, y) == state, f"closed year {y} changed"

    @invariant()
    def append_only_and_plan_layer_is_the_approved_version(self):
        if self.path is None:
            return
        ledger, _ = _books(self.path)
        before = self.ledger_before
        assert list(ledger["entry_id"][: len(before)]) == list(before["entry_id"]), "an entry was removed or reordered"
        if self.plan is None or ledger.empty:
            return
        with db.connect(self.path) as con:
            approved = plans.approved_versions(con)
            closed = ledger_change.closed_years(con)
            appr = approved[approved["plan_id"] == self.plan]
            if appr.empty:
                return
            content = plans.version(con, self.plan, int(appr["version"].iloc[0]))["content"]
        mine = ledger[ledger["entry_id"].str.startswith(f"{self.plan}-v")]
        for y in YEARS:
            if y in closed:
                continue
            want = {a["region"]: float(a["amount"]) for a in content["allocations"] if int(a["year"]) == y}
            got = mine[(mine["year"] == y) & mine["to_region"].isin(CITIES) & mine["project"].isna()].groupby("to_region")["amount"].sum()
            for city in CITIES:
                assert abs(got.get(city, 0.0) - want.get(city, 0.0)) < 0.02, f"plan layer {city} {y}: {got.get(city)} vs {want.get(city)}"

    @invariant()
    def totals_change_only_by_confirmed_steps(self):
        if self.path is None or self.total_change_allowed:
            return
        _, bal = _books(self.path)
        now = {} if bal is None else dict(zip(bal.totals["year"].astype(int), bal.totals["province_total"]))
        if self.period_total_only:
            assert abs(sum(now.values()) - sum(self.totals_before.values())) < 1e-6
            return
        for y in set(now) | set(self.totals_before):
            assert abs(now.get(y, 0.0) - self.totals_before.get(y, 0.0)) < 1e-6, f"{y}'s total moved without a confirmed step"


@pytest.fixture
def books_machine(tmp_path):
    BooksOverAPeriod.tmp = str(tmp_path)
    _TEMPLATE.clear()
    return BooksOverAPeriod


def test_a_whole_period_keeps_the_books(books_machine):
    from hypothesis.stateful import run_state_machine_as_test

    # benchmarks/books_mutations.py only asks whether a mutation is caught: it skips shrinking the failing example
    phases = [Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("BOOKS_NO_SHRINK") else list(Phase)
    run_state_machine_as_test(books_machine, settings=settings(
        max_examples=12, stateful_step_count=14, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck), phases=phases))
