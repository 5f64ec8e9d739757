"""An empty page says why and what to do (issue 22): the status report's refusals in the user's words."""
from __future__ import annotations

import re

from services.i18n import t


def explain(exc: Exception) -> str:
    """The reason a budget page has nothing to show, and the next step, in the session's language."""
    msg = str(exc)
    m = re.search(r"no budget for (\d{4}): the plan covers (\d{4})[–-](\d{4})", msg)
    if m:
        year, a, b = (int(x) for x in m.groups())
        hint = "fu_empty_plan_later" if year < a else "fu_empty_plan_earlier"
        return t("fu_empty_no_year", year=year, a=a, b=b) + " " + t(hint, year=year, a=a, b=b, end=year + 4)
    if "no budget plan yet" in msg:
        return t("fu_empty_no_plan")
    if "no monthly electricity data" in msg:
        return t("fu_empty_no_data")
    return t("bv_no_status", err=msg)
