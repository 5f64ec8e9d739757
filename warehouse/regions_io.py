"""Loading region reference files (CSV ``code,name_zh,name_en,parent,level``)."""
from __future__ import annotations

import io
import os

import pandas as pd

from warehouse import catalog, db, store, users

REGION_COLUMNS = ["code", "name_zh", "name_en", "parent", "level"]


def check_regions(frame: pd.DataFrame) -> list[str]:
    """Every problem in a regions table (empty list when it can be loaded)."""
    missing = [c for c in REGION_COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing column(s): {', '.join(missing)}; expected header {','.join(REGION_COLUMNS)}"]
    errors = []
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        if not str(r.code).strip():
            errors.append(f"row {i}: empty code")
        if not str(r.name_zh).strip() or not str(r.name_en).strip():
            errors.append(f"row {i}: name_zh and name_en are both required")
        if r.level not in catalog.LEVELS:
            errors.append(f"row {i}: level {r.level!r} is not one of {', '.join(catalog.LEVELS)}")
    dup = frame["code"][frame["code"].duplicated()]
    errors += [f"code {c!r} appears more than once" for c in dup.unique()]
    known = set(frame["code"])
    for i, parent in enumerate(frame["parent"], start=2):
        if parent and parent not in known:
            errors.append(f"row {i}: parent {parent!r} is not a region code in this file")
    return errors


def load_regions_file(path: str | os.PathLike, file: str | os.PathLike, user: str | None = None) -> dict:
    """Validate and load a regions CSV; nothing is stored when any row is wrong or ``user`` may not
    (an admin once users exist, checked in the transaction that writes)."""
    try:
        raw = open(file, "rb").read()
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return {"loaded": 0, "errors": [f"cannot read {file}: {exc}"]}
    frame = frame.apply(lambda col: col.str.strip())
    errors = check_regions(frame)
    if errors:
        return {"loaded": 0, "errors": errors}
    try:
        with db.transaction(path) as con:
            actor = users.authorize(con, user, "regions_load")
            n = store.upsert_regions(con, frame)
            store.new_batch(con, origin="regions", created_by=actor, source_name=os.path.basename(str(file)),
                            rows_in=n, rows_loaded=n)
    except users.PermissionDenied as exc:
        return {"loaded": 0, "errors": [f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}"]}
    return {"loaded": n, "errors": []}
