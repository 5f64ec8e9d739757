"""Targets handed down, composed: read a targets file (CSV or xlsx), check every row, record new versions
and the yearly intensity targets that status and the accounts measure against — all in one transaction."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

from budget import targets as btargets
from warehouse import budget_books, db, queries, targets as wtargets, users

MAX_BYTES = 2_000_000
MAX_ROWS = 10_000


class TargetsError(ValueError):
    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"row {e['row']} {e['column']}: {e['message_en']}" for e in errors[:5]))
        self.errors = errors
        self.message_en = str(self)
        self.message_zh = "；".join(f"第 {e['row']} 行 {e['column']}：{e['message_zh']}" for e in errors[:5])


def read_file(data: bytes, filename: str) -> pd.DataFrame:
    if len(data) > MAX_BYTES:
        raise TargetsError([{"row": 1, "column": "-", "value": filename, "message_en": f"file over {MAX_BYTES:,} bytes",
                             "message_zh": f"文件超过 {MAX_BYTES:,} 字节"}])
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(data), dtype=str, nrows=MAX_ROWS + 1)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig", nrows=MAX_ROWS + 1, keep_default_na=False)
    except Exception as exc:  # any unreadable file is a clear refusal, never a traceback
        raise TargetsError([{"row": 1, "column": "-", "value": filename, "message_en": f"cannot read the file ({type(exc).__name__})",
                             "message_zh": "无法读取该文件（请用模板的 CSV 或 xlsx 格式）"}]) from None
    if len(frame) > MAX_ROWS:
        raise TargetsError([{"row": MAX_ROWS + 2, "column": "-", "value": "", "message_en": f"more than {MAX_ROWS} rows",
                             "message_zh": f"超过 {MAX_ROWS} 行"}])
    return frame


def _base_intensity(con, regions: pd.DataFrame, base_years: set[int]) -> dict[tuple[str, int], float]:
    co2 = queries.co2_for_budget(con)
    co2 = co2[co2["kind"] == "statistical"]
    gdp = queries.indicator_values(con, ["gdp"], "0000")
    out = {}
    province = regions.loc[regions["parent"].isna() | (regions["parent"].astype(str) == ""), "code"]
    for y in base_years:
        c = co2[co2["period"].astype(str).str[:4] == str(y)].groupby("region")["value"].agg(["sum", "count"])
        g = gdp[gdp["period"].astype(str).str[:4] == str(y)].groupby("region")["value"].sum()
        full = c[c["count"] >= 11]["sum"]
        for r, v in full.items():
            if r in g.index and g[r] > 0:
                out[(r, y)] = float(v / g[r])
        kids = regions.loc[regions["parent"].isin(province), "code"]
        if len(province) == 1 and province.iloc[0] not in c.index and set(kids) & set(full.index):
            members = [k for k in kids if k in full.index and k in g.index]
            if members:
                out[(province.iloc[0], y)] = float(full[members].sum() / g[members].sum())
    return out


def load(db_path: str | os.PathLike, data: bytes, filename: str, user: str | None) -> dict:
    """Check and record a targets file; raises TargetsError (row-level) or PermissionDenied; nothing stored then."""
    frame = read_file(data, filename)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "targets_load")
        regions = queries.regions(con)
        rows, errors = btargets.check_rows(frame, set(regions["code"].astype(str)))
        if errors:
            raise TargetsError(errors)
        added = wtargets.record(con, rows, name)
        base = _base_intensity(con, regions, {int(s) - 1 for s in rows["period_start"]})
        current = wtargets.current(con)
        yearly = []
        for t in current.itertuples(index=False):
            b = base.get((t.region, int(t.period_start) - 1))
            if b is not None:
                yearly.append(btargets.yearly_intensity({t.region: b}, pd.DataFrame([t._asdict()])).assign(doc=t.document))
        without = sorted({r for r in rows["region"] if not any((r, int(s) - 1) in base for s in rows["period_start"])})
        for part in yearly:
            budget_books.set_intensity_targets(con, part.drop(columns=["doc"]), source=str(part["doc"].iloc[0]))
    return {"rows": len(rows), "versions_added": added, "no_base_year": without}


def load_path(db_path, path: str | os.PathLike, user: str | None) -> dict:
    p = Path(path)
    return load(db_path, p.read_bytes(), p.name, user)


def listing(db_path: str | os.PathLike) -> list[dict]:
    """[{region, period, intensity_decline, total_cap, document, version}] — the current version of each."""
    with db.connect(db_path) as con:
        f = wtargets.current(con)
    return [{"region": r.region, "period": f"{int(r.period_start)}-{int(r.period_end)}",
             "intensity_decline": float(r.intensity_decline),
             "total_cap": None if pd.isna(r.total_cap) else float(r.total_cap), "document": r.document,
             "version": int(r.version)} for r in f.itertuples(index=False)]


def for_plan(db_path: str | os.PathLike, parent: str, first: int, last: int) -> dict:
    with db.connect(db_path) as con:
        return btargets.for_plan(wtargets.current(con), parent, first, last)


TEMPLATE = "region,period,intensity_decline,total_cap,document\n"
