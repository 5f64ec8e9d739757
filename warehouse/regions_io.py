"""Loading region reference files (CSV ``code,name_zh,name_en,parent,level``)."""
from __future__ import annotations

import io
import os

import pandas as pd

from intake import text_policy
from warehouse import catalog, db, store, users

REGION_COLUMNS = ["code", "name_zh", "name_en", "parent", "level"]
MAX_REGION_NAME = 100


def _policy(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The text policy on every cell (``intake.text_policy``): codes and parents are identifiers (refused
    with control or bidi characters), names one line of at most ``MAX_REGION_NAME`` characters (cleaned)."""
    out, errors = frame.copy(), []
    for col in REGION_COLUMNS:
        values = []
        for i, v in enumerate(out[col].tolist(), start=2):
            try:
                if col in ("code", "parent", "level"):
                    values.append(text_policy.identifier(v, col, required=False) or "")
                else:
                    values.append(text_policy.line(v, col, max_len=MAX_REGION_NAME, required=False) or "")
            except text_policy.TextRefused as exc:
                errors.append(f"row {i}: {exc.message_en} / 第 {i} 行：{exc.message_zh}")
                values.append(str(v))
        out[col] = values
    return out, errors


def check_regions(frame: pd.DataFrame) -> list[str]:
    """Every problem in a regions table (empty list when it can be loaded)."""
    missing = [c for c in REGION_COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing column(s): {', '.join(missing)}; expected header {','.join(REGION_COLUMNS)}"]
    frame, errors = _policy(frame)
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        if not str(r.code).strip():
            errors.append(f"row {i}: empty code / 第 {i} 行：代码为空")
        if not str(r.name_zh).strip() or not str(r.name_en).strip():
            errors.append(f"row {i}: name_zh and name_en are both required / 第 {i} 行：name_zh 与 name_en 均须填写")
        if r.level not in catalog.LEVELS:
            errors.append(f"row {i}: level {r.level!r} is not one of {', '.join(catalog.LEVELS)} / "
                          f"第 {i} 行：级别 {r.level!r} 不在 {', '.join(catalog.LEVELS)} 之中")
    dup = frame["code"][frame["code"].duplicated()]
    errors += [f"code {c!r} appears more than once / 代码 {c!r} 重复出现" for c in dup.unique()]
    known = set(frame["code"])
    for i, parent in enumerate(frame["parent"], start=2):
        if parent and parent not in known:
            errors.append(f"row {i}: parent {parent!r} is not a region code in this file / 第 {i} 行：上级 {parent!r} 不是本文件中的地区代码")
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
    frame = _policy(frame)[0]
    try:
        with db.transaction(path) as con:
            actor = users.authorize(con, user, "regions_load")
            n = store.upsert_regions(con, frame)
            store.new_batch(con, origin="regions", created_by=actor, source_name=os.path.basename(str(file)),
                            rows_in=n, rows_loaded=n)
    except users.PermissionDenied as exc:
        return {"loaded": 0, "errors": [f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}"]}
    return {"loaded": n, "errors": []}
