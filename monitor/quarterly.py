"""Publishing the status at each quarter's end (issue 22): when the data first reaches a quarter's last month,
the status as of that month is computed and stored once (``warehouse.published_status``). Later uploads and
model refreshes never change it; ``monitor.status`` compares the current status with this record."""
from __future__ import annotations

import os

from budget.periods import previous_quarter_end
from warehouse import db, published_status, queries


def quarter_label(year: int, month: int) -> str:
    return f"{int(year)}-Q{(int(month) - 1) // 3 + 1}"


def due(latest: str) -> list[tuple[int, int]]:
    """Quarter ends to publish for data up to ``latest`` ('YYYY-MM'): the quarter before the current one (the
    "last quarter" the screens compare with) and the current one when ``latest`` is its last month."""
    y, m = (int(x) for x in latest.split("-")[:2])
    out = [previous_quarter_end(y, m)]
    if m % 3 == 0:
        out.append((y, m))
    return out


def publish_due(db_path: str | os.PathLike) -> list[str]:
    """Store the status of every due quarter not stored yet; returns the quarters published."""
    from monitor.status import status_report

    with db.connect(db_path) as con:
        latest = queries.latest_driver_month(con)
        done = published_status.quarters(con)
    if not latest:
        return []
    made = []
    for y, m in due(latest):
        q = quarter_label(y, m)
        if q in done:
            continue
        try:
            rep = status_report(db_path, year=y, as_of=f"{y}-{m:02d}", baseline=False)
        except ValueError:  # no budget for that year (before the plan): nothing to publish
            continue
        rows = rep.progress.merge(rep.rankings[["region", "rank_deviation"]], on="region", how="left")
        rows = rows.assign(rank=rows["rank_deviation"])
        with db.transaction(db_path) as con:
            if published_status.record(con, q, f"{y}-{m:02d}", rows):
                made.append(q)
    return made
