"""The budget ledger: every change to a budget is an immutable, attributable entry.

Accounts per year
-----------------
``province_total`` (the province's budget), one ``budget`` per city, the province-held ``reserve``
(预留) and ``separately_listed`` quota (单列指标) per (city, project). The books balance after every
entry::

    province_total = Σ city budgets + reserve + Σ separately-listed quota

Entry types (``amount`` in 万吨 CO2, > 0 unless stated)
-----------------------------------------------------
- ``allocation``: the province hands ``amount`` to ``to_region``; the province total grows by it
  (a plan is a set of allocations + a reserve set-aside summing to the chosen total).
  ``from_region`` is the province code by convention and is not used.
- ``reserve_set_aside``: the province puts ``amount`` into the reserve; the total grows by it.
- ``reserve_release``: reserve -> ``to_region`` (fails if the reserve holds less).
- ``transfer`` (调剂): ``from_region`` -> ``to_region`` within the year (fails if the giver holds
  less). ``to_region == "reserve"`` returns budget to the reserve (回收).
  Across the border (跨区域调剂): one side is another province's account ``EXTERNAL:<name>``
  (``config.EXTERNAL_PREFIX``) and ``project`` carries the agreement's document (文件号, required). Budget leaves
  a city or the reserve for it, or arrives from it into a city or the reserve; the province total moves by the
  amount, so the books balance, and ``Balances.external`` keeps each counterparty's net per year.
- ``trade`` (区域碳预算指标交易): ``from_region`` sells ``amount`` of its budget of the year to ``to_region``;
  balanced like a transfer (never to the reserve); its price is recorded beside the entry (``budget_trades``).
- ``advance`` (预支): ``to_region`` borrows ``amount`` from its own budget of ``year + 1``. The
  cumulative advance into a year may not exceed ``ADVANCE_CAP_SHARE`` of the region's next-year
  budget as it stood before advances; both years stay balanced (the totals move with it).
- ``separately_listed`` (单列指标): quota for the named ``project`` located in ``to_region``.
  ``from_region == "reserve"``: drawn from the reserve (total unchanged).
  Otherwise: granted *on top of* the province total (the total grows by it), as with national
  major projects whose emissions are listed separately. A plan that wants the quota inside a
  fixed total simply allocates that much less to the cities (see ``budget.plan``).
- ``adjustment`` (逐年调整): signed ``amount`` added to ``to_region``'s budget, to the reserve
  (``to_region == "reserve"``) or, with ``project``, to that project's quota; the province total
  moves by the same amount; no account may go negative.

Entries are applied in list order. Invalid entries raise :class:`LedgerError` (English message,
a ``code`` the UI translates with ``config.LEDGER_ERROR_MESSAGES`` and the ``params``); since
:func:`apply` is pure, a rejected entry changes nothing.
"""
from __future__ import annotations

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from budget import config

RESERVE = config.RESERVE_ACCOUNT
ENTRY_COLUMNS = [
    "entry_id", "date", "user", "reason", "type", "year", "from_region", "to_region", "amount", "project",
]


class LedgerError(ValueError):
    """An entry the ledger refuses. ``code`` keys ``config.LEDGER_ERROR_MESSAGES``."""

    def __init__(self, code: str, params: dict | None = None, entry_id: str | None = None, index: int | None = None):
        self.code = code
        self.params = dict(params or {})
        self.entry_id = entry_id
        self.index = index
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        template = config.LEDGER_ERROR_MESSAGES.get(self.code, {}).get(lang)
        try:
            text = template.format(**self.params) if template else f"{self.code}: {self.params}"
        except (KeyError, ValueError):
            text = f"{self.code}: {self.params}"
        if self.entry_id is not None:
            text = f"[{self.entry_id}] {text}"
        return text


@dataclass(frozen=True)
class LedgerEntry:
    """One immutable ledger entry (see module docstring for the meaning of each type)."""

    entry_id: str
    date: str  # ISO date YYYY-MM-DD
    user: str
    reason: str
    type: str
    year: int
    amount: float  # 万吨 CO2
    from_region: str | None = None
    to_region: str | None = None
    project: str | None = None


def new_entry(
    type: str, year: int, amount: float, *, user: str, reason: str = "",
    from_region: str | None = None, to_region: str | None = None, project: str | None = None,
    date: str | None = None, entry_id: str | None = None,
) -> LedgerEntry:
    """Build an entry; ``entry_id`` defaults to a random uuid, ``date`` to today."""
    return LedgerEntry(
        entry_id=entry_id or uuid.uuid4().hex,
        date=date or _date.today().isoformat(),
        user=user, reason=reason, type=type, year=int(year), amount=float(amount),
        from_region=from_region, to_region=to_region, project=project,
    )


EXTERNAL = config.EXTERNAL_PREFIX


def is_external(code) -> bool:
    """Whether ``code`` is another province's account (``EXTERNAL:<name>``) in a cross-border transfer."""
    return isinstance(code, str) and code.startswith(EXTERNAL)


def crosses_border(entry: LedgerEntry) -> bool:
    return entry.type == "transfer" and (is_external(entry.from_region) or is_external(entry.to_region))


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


class _Books:
    """Mutable working state used only inside :func:`apply`."""

    def __init__(self, advance_cap_share: float | None = None):
        self.advance_cap_share = config.ADVANCE_CAP_SHARE if advance_cap_share is None else float(advance_cap_share)
        self.total: dict[int, float] = defaultdict(float)
        self.city: dict[int, dict[str, float]] = defaultdict(dict)
        self.reserve: dict[int, float] = defaultdict(float)
        self.sl: dict[int, dict[tuple[str, str], float]] = defaultdict(dict)
        self.advanced: dict[int, dict[str, float]] = defaultdict(dict)
        self.external: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))  # counterparty -> net in

    def take_city(self, year, region, amount, err):
        available = self.city[year].get(region, 0.0)
        if amount > available + config.LEDGER_TOLERANCE:
            raise err("insufficient_budget", {"region": region, "year": year, "available": available, "amount": amount})
        self.city[year][region] = available - amount

    def take_reserve(self, year, amount, err):
        available = self.reserve[year]
        if amount > available + config.LEDGER_TOLERANCE:
            raise err("insufficient_reserve", {"year": year, "available": available, "amount": amount})
        self.reserve[year] = available - amount

    def give_city(self, year, region, amount):
        self.city[year][region] = self.city[year].get(region, 0.0) + amount


def _cross_border(books: _Books, year: int, from_region, to_region, amount: float, document, err) -> None:
    """A transfer with another province (see the module docs): the province total moves by ``amount``."""
    if is_external(from_region) and is_external(to_region):
        raise err("cross_border_both", {"region": from_region})
    name = str(from_region if is_external(from_region) else to_region)[len(EXTERNAL):].strip()
    if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
        raise err("unknown_region", {"region": from_region if is_external(from_region) else to_region})
    if document is None:
        raise err("cross_border_document", {"region": name})
    if is_external(from_region):
        if to_region == RESERVE:
            books.reserve[year] += amount
        else:
            books.give_city(year, to_region, amount)
        books.total[year] += amount
        books.external[year][name] += amount
    else:
        if from_region is None:
            raise err("missing_field", {"field": "from_region"})
        if from_region == RESERVE:
            books.take_reserve(year, amount, err)
        else:
            books.take_city(year, from_region, amount, err)
        books.total[year] -= amount
        books.external[year][name] -= amount


def _apply_one(books: _Books, e: LedgerEntry, index: int) -> None:
    def err(code, params=None):
        return LedgerError(code, params, entry_id=e.entry_id, index=index)

    if e.type not in config.ENTRY_TYPES:
        raise err("unknown_type", {"type": e.type})
    try:
        amount = float(e.amount)
        year = int(e.year)
    except (TypeError, ValueError):
        raise err("invalid_amount", {"amount": e.amount}) from None
    if not (1900 <= year <= 2200):
        raise err("invalid_year", {"year": e.year})
    if not math.isfinite(amount) or (amount == 0 if e.type == "adjustment" else amount <= 0):
        raise err("invalid_amount", {"amount": e.amount})
    if abs(amount) > config.LEDGER_MAX_AMOUNT:
        raise err("amount_too_large", {"amount": e.amount, "max": config.LEDGER_MAX_AMOUNT})
    for name in ("user", "date"):
        if _blank(getattr(e, name)):
            raise err("missing_field", {"field": name})
    to_region = None if _blank(e.to_region) else e.to_region
    from_region = None if _blank(e.from_region) else e.from_region
    project = None if _blank(e.project) else e.project
    needs_to = e.type != "reserve_set_aside"
    if needs_to and to_region is None:
        raise err("missing_field", {"field": "to_region"})
    if e.type in ("allocation", "reserve_release", "advance", "separately_listed", "trade") and to_region == RESERVE:
        raise err("missing_field", {"field": "to_region"})

    t = e.type
    if t == "transfer" and (is_external(from_region) or is_external(to_region)):
        _cross_border(books, year, from_region, to_region, amount, project, err)
    elif t == "allocation":
        books.give_city(year, to_region, amount)
        books.total[year] += amount
    elif t == "reserve_set_aside":
        books.reserve[year] += amount
        books.total[year] += amount
    elif t == "reserve_release":
        books.take_reserve(year, amount, err)
        books.give_city(year, to_region, amount)
    elif t in ("transfer", "trade"):
        if from_region is None or from_region == RESERVE:
            raise err("missing_field", {"field": "from_region"})
        if from_region == to_region:
            raise err("same_region", {"region": from_region})
        books.take_city(year, from_region, amount, err)
        if to_region == RESERVE:
            books.reserve[year] += amount
        else:
            books.give_city(year, to_region, amount)
    elif t == "advance":
        nxt = year + 1
        if to_region not in books.city[nxt]:
            raise err("no_next_year_budget", {"region": to_region, "next_year": nxt})
        already = books.advanced[year].get(to_region, 0.0)
        base = books.city[nxt][to_region] + already  # next-year budget before any advance
        cap = books.advance_cap_share * base
        if already + amount > cap + config.LEDGER_TOLERANCE:
            raise err("advance_over_cap", {"region": to_region, "total": already + amount, "cap": cap,
                                           "share": books.advance_cap_share})
        books.take_city(nxt, to_region, amount, err)
        books.total[nxt] -= amount
        books.give_city(year, to_region, amount)
        books.total[year] += amount
        books.advanced[year][to_region] = already + amount
    elif t == "separately_listed":
        if project is None:
            raise err("missing_field", {"field": "project"})
        if from_region == RESERVE:
            books.take_reserve(year, amount, err)
        else:
            books.total[year] += amount
        key = (to_region, project)
        books.sl[year][key] = books.sl[year].get(key, 0.0) + amount
    elif t == "adjustment":
        if project is not None:
            key = (to_region, project)
            result = books.sl[year].get(key, 0.0) + amount
            if result < -config.LEDGER_TOLERANCE:
                raise err("negative_budget", {"region": f"{to_region}/{project}", "year": year, "result": result})
            books.sl[year][key] = max(result, 0.0)
        elif to_region == RESERVE:
            result = books.reserve[year] + amount
            if result < -config.LEDGER_TOLERANCE:
                raise err("negative_budget", {"region": RESERVE, "year": year, "result": result})
            books.reserve[year] = max(result, 0.0)
        else:
            result = books.city[year].get(to_region, 0.0) + amount
            if result < -config.LEDGER_TOLERANCE:
                raise err("negative_budget", {"region": to_region, "year": year, "result": result})
            books.city[year][to_region] = max(result, 0.0)
        books.total[year] += amount
    # The identity must hold after every entry (it does by construction; checked as a guard).
    for y in {year, year + 1} if t == "advance" else {year}:
        gap = books.total[y] - (sum(books.city[y].values()) + books.reserve[y] + sum(books.sl[y].values()))
        if not math.isfinite(gap) or abs(gap) > config.LEDGER_TOLERANCE * max(1.0, abs(books.total[y])):
            raise err("unbalanced", {"year": y, "gap": gap})


@dataclass(frozen=True)
class Balances:
    """Result of :func:`apply`.

    - ``totals``: year, province_total, cities_total, reserve, separately_listed, gap
      (gap = province_total - cities_total - reserve - separately_listed, ~0).
    - ``regions``: year, region, budget (city budget, excluding separately-listed quota),
      separately_listed (quota of projects located in the region), advanced (net advance into
      this year from next year's budget).
    - ``projects``: year, region, project, amount.
    - ``external``: year, counterparty, net (received from another province, negative when given; 跨区域调剂).
    All amounts in 万吨 CO2.
    """

    totals: pd.DataFrame
    regions: pd.DataFrame
    projects: pd.DataFrame
    external: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"year": pd.Series(dtype="int64"), "counterparty": pd.Series(dtype="str"), "net": pd.Series(dtype="float64")}))


def apply(entries: Iterable[LedgerEntry], advance_cap_share: float | None = None) -> Balances:
    """Apply ``entries`` in order and return the :class:`Balances`.

    ``advance_cap_share``: the province's advance cap in force (its rule ``advance.cap_share``); None keeps
    the shipped default. Raises :class:`LedgerError` at the first invalid entry (duplicate ids included);
    being pure, nothing is changed anywhere when it raises.
    """
    books = _Books(advance_cap_share)
    seen: set[str] = set()
    for i, e in enumerate(entries):
        if e.entry_id in seen:
            raise LedgerError("duplicate_entry_id", {"entry_id": e.entry_id}, entry_id=e.entry_id, index=i)
        seen.add(e.entry_id)
        _apply_one(books, e, i)
    years = sorted(set(books.total) | set(books.city) | set(books.reserve) | set(books.sl))
    totals = {k: [] for k in ("year", "province_total", "cities_total", "reserve", "separately_listed", "gap")}
    regions = {k: [] for k in ("year", "region", "budget", "separately_listed", "advanced")}
    projects = {k: [] for k in ("year", "region", "project", "amount")}
    for y in years:
        cities = books.city.get(y, {})
        sl = books.sl.get(y, {})
        row = (y, books.total.get(y, 0.0), sum(cities.values()), books.reserve.get(y, 0.0), sum(sl.values()))
        for k, v in zip(totals, row + (row[1] - row[2] - row[3] - row[4],)):
            totals[k].append(v)
        sl_by_region: dict[str, float] = defaultdict(float)
        for (region, project), amount in sl.items():
            sl_by_region[region] += amount
            for k, v in zip(projects, (y, region, project, amount)):
                projects[k].append(v)
        adv_in, adv_out = books.advanced.get(y, {}), books.advanced.get(y - 1, {})
        for region in sorted(set(cities) | set(sl_by_region)):
            row = (y, region, cities.get(region, 0.0), sl_by_region.get(region, 0.0),
                   adv_in.get(region, 0.0) - adv_out.get(region, 0.0))
            for k, v in zip(regions, row):
                regions[k].append(v)

    def frame(d: dict) -> pd.DataFrame:
        return pd.DataFrame({k: pd.Series(v, dtype=("int64" if k == "year" else "str" if k in ("region", "project") else "float64"))
                             for k, v in d.items()})

    ext = [(y, name, net) for y in sorted(books.external) for name, net in sorted(books.external[y].items())]
    external = pd.DataFrame({"year": pd.Series([r[0] for r in ext], dtype="int64"),
                             "counterparty": pd.Series([r[1] for r in ext], dtype="str"),
                             "net": pd.Series([r[2] for r in ext], dtype="float64")})
    return Balances(totals=frame(totals), regions=frame(regions), projects=frame(projects), external=external)


def check_balanced(balances: Balances, tol: float = config.LEDGER_TOLERANCE) -> bool:
    """True when, for every year, province_total = Σ city budgets + reserve + Σ project quota.

    Recomputed from ``balances.regions`` and ``balances.projects`` (not from the stored gap), with a
    relative tolerance ``tol`` × max(1, |province_total|).
    """
    sums: dict[int, float] = defaultdict(float)
    for frame, col in ((balances.regions, "budget"), (balances.projects, "amount")):
        for y, v in zip(frame["year"].to_numpy(), frame[col].to_numpy(dtype=float)):
            sums[int(y)] += v
    for y, total, reserve in zip(balances.totals["year"].to_numpy(), balances.totals["province_total"].to_numpy(dtype=float),
                                 balances.totals["reserve"].to_numpy(dtype=float)):
        gap = total - (sums[int(y)] + reserve)
        if not (math.isfinite(total) and math.isfinite(gap)) or abs(gap) > tol * max(1.0, abs(total)) or reserve < -tol:
            return False  # written so that NaN or inf anywhere fails the check
    budgets = balances.regions["budget"].to_numpy(dtype=float)
    return bool(np.isfinite(budgets).all() and (budgets >= -tol).all())


def append(entries: Sequence[LedgerEntry], entry: LedgerEntry) -> tuple[LedgerEntry, ...]:
    """Return a new tuple ``entries + (entry,)`` after checking the whole ledger still applies.

    Raises :class:`LedgerError` (and returns nothing new) when ``entry`` is refused.
    """
    candidate = tuple(entries) + (entry,)
    apply(candidate)
    return candidate
