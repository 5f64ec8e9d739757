"""The error a budget plan refuses with: a ``code`` keyed in ``config.PLAN_ERROR_MESSAGES`` (zh/en).

It is a :class:`budget.ledger.LedgerError`, so a caller that already reports ledger refusals reports
plan refusals the same way (``exc.code``, ``exc.message(lang)``).
"""
from __future__ import annotations

from budget import config
from budget.ledger import LedgerError


class PlanError(LedgerError):
    def message(self, lang: str = "en") -> str:
        table = config.PLAN_ERROR_MESSAGES if self.code in config.PLAN_ERROR_MESSAGES else config.LEDGER_ERROR_MESSAGES
        template = table.get(self.code, {}).get(lang)
        try:
            return template.format(**self.params) if template else f"{self.code}: {self.params}"
        except (KeyError, ValueError):
            return f"{self.code}: {self.params}"
