"""Carbon budget logic (pure pandas / numpy; never imports streamlit or duckdb).

Modules
- ``config``: thresholds, colours, zh/en domain labels (the single home of these constants).
- ``plan``: five-year plan totals (handed down or GDP × intensity target) and allocation shares.
- ``ledger``: immutable entries, ``apply`` → balances, ``check_balanced``, ``LedgerError``.
- ``schedule``: seasonal time-schedule progress (时序进度).
- ``projection``: year-end projection, p_overspend, run-out month.
- ``status``: status and warning level from the thresholds.
- ``progress``: ``compute_progress`` per city and province for year Y as of month m.
- ``alerts`` / ``policy``: alert reasons (zh/en) and the recommended policy mix.
- ``rankings``: city rankings and rank changes.

Progress, schedule, projection and alerts are computed for every region at once (group-by,
pivot and region × month numpy arrays), not region by region.
"""
from budget.alerts import build_alerts, contribution_changes, driver_changes
from budget.config import label
from budget.ledger import (
    Balances,
    LedgerEntry,
    LedgerError,
    append,
    apply,
    check_balanced,
    new_entry,
)
from budget.ledger_frames import entries_from_frame, entries_to_frame, region_budgets
from budget.plan import FiveYearPlan, allocation_shares, plan_entries, plan_from_intensity, plan_handed_down
from budget.policy import policy_cases, policy_toolbox, recommend_policies
from budget.progress import PROGRESS_COLUMNS, compute_progress
from budget.projection import overspend_probability, projection_paths
from budget.rankings import rank_cities
from budget.schedule import schedule_progress, seasonal_pattern
from budget.status import classify_status, warning_level

__all__ = [
    "Balances", "FiveYearPlan", "LedgerEntry", "LedgerError", "PROGRESS_COLUMNS",
    "allocation_shares", "append", "apply", "build_alerts", "check_balanced", "classify_status",
    "compute_progress", "contribution_changes", "driver_changes",
    "entries_from_frame", "entries_to_frame", "label", "new_entry", "overspend_probability",
    "plan_entries", "plan_from_intensity", "plan_handed_down", "policy_cases", "policy_toolbox",
    "projection_paths", "rank_cities", "recommend_policies", "region_budgets", "schedule_progress",
    "seasonal_pattern", "warning_level",
]
