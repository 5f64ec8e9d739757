"""Filing upward (备案): for an approved plan, an approved key-emitter list, an approved year close and
the five-year close with its assessment, a package — the PDF, the xlsx, a JSON of the numbers and a
``MANIFEST.sha256`` (``sha256sum -c`` reads it) — written to a folder, and a filing record (by whom,
when, to whom); the centre's acknowledgement is entered later as a receipt. ``obligations`` says what
is filed, due and overdue (``budget.province.FILING_DUE_DAYS`` after approval)."""
from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from budget import province as bp
from monitor import filing_package
from warehouse import closes, db, plans, users
from warehouse import province as store


def _files(out: Path, stem: str, pdf: bytes, xlsx: bytes, summary: dict) -> list[dict]:
    data = {f"{stem}.pdf": pdf, f"{stem}.xlsx": xlsx,
            f"{stem}.json": json.dumps(summary, ensure_ascii=False, indent=1, default=str).encode("utf-8")}
    listing = []
    for name, payload in data.items():
        (out / name).write_bytes(payload)
        listing.append({"name": name, "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload)})
    manifest = "".join(f"{f['sha256']}  {f['name']}\n" for f in listing).encode("utf-8")
    (out / "MANIFEST.sha256").write_bytes(manifest)
    listing.append({"name": "MANIFEST.sha256", "sha256": hashlib.sha256(manifest).hexdigest(), "bytes": len(manifest)})
    return listing


def _out_dir(path) -> Path:
    out = Path(str(path or "")).expanduser()
    if not str(path or "").strip() or (out.exists() and not out.is_dir()):
        raise bp.ProvinceError("out_dir", value=path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise bp.ProvinceError("out_dir", value=path) from None
    return out


def submit(db_path: str | os.PathLike, kind: str, object_id, *, user: str | None, out_dir,
           recipient: str | None = None) -> dict:
    """Write the package of an approved item into ``out_dir`` and record the filing (role checked before
    anything is written and again in the recording transaction; on a refusal the files are removed)."""
    kind = bp.choice(kind, bp.FILING_KINDS, "kind")
    to = bp.text(recipient, "text", required=False, max_len=200) or bp.FILING_RECIPIENT
    with db.connect(db_path) as con:
        users.authorize(con, user, "filing_submit")
    pkg = filing_package.build(db_path, kind, object_id)
    out = _out_dir(out_dir)
    files = _files(out, pkg["stem"], pkg["pdf"], pkg["xlsx"], pkg["summary"])
    try:
        with db.transaction(db_path) as con:
            who = users.authorize(con, user, "filing_submit")
            fid = store.insert_filing(con, kind, pkg["object_id"], to, who, files, files[-1]["sha256"], pkg["summary"])
    except BaseException:
        for f in files:
            (out / f["name"]).unlink(missing_ok=True)
        raise
    return {"filing_id": fid, "kind": kind, "object_id": pkg["object_id"], "recipient": to, "submitted_by": who,
            "out": str(out), "files": files}


def receipt(db_path: str | os.PathLike, filing_id, *, text: str, user: str | None) -> dict:
    """Enter the centre's acknowledgement of a filing (once)."""
    body = bp.text(text, "receipt", max_len=1000)
    try:
        fid = int(str(filing_id).strip())
    except ValueError:
        raise bp.ProvinceError("not_found", what="备案", what_en="filing", value=filing_id) from None
    with db.transaction(db_path) as con:
        who = users.authorize(con, user, "filing_submit")
        f = store.filings(con)
        hit = f[f["filing_id"] == fid]
        if hit.empty:
            raise bp.ProvinceError("not_found", what="备案", what_en="filing", value=fid)
        if isinstance(hit["receipt"].iloc[0], str):
            raise bp.ProvinceError("already_received", value=fid)
        store.insert_receipt(con, fid, body, who)
    return {"filing_id": fid, "receipt": body, "entered_by": who}


def listing(db_path: str | os.PathLike) -> pd.DataFrame:
    with db.connect(db_path) as con:
        return store.filings(con)


def _approved_items(con) -> list[tuple[str, str, datetime]]:
    """(kind, object id, approved at) of everything that must be filed."""
    items = []
    pa = plans.approvals(con)
    for pid, at in pa.groupby("plan_id")["approved_at"].max().items():
        items.append(("plan", str(pid), at))
    for r in store.registry_approvals(con).itertuples(index=False):
        items.append(("registry", str(r.approval_id), r.approved_at))
    cv = closes.close_versions(con)
    cv = cv[cv["approved_at"].notna()]
    for y, at in cv.groupby("year")["approved_at"].max().items():
        items.append(("close", str(int(y)), at))
    from monitor.publication_records import approved_assessment

    av = closes.assessment_versions(con)
    for (a, b), g in av.groupby(["period_start", "period_end"]):
        aid, _ = approved_assessment(con, int(a), int(b), int(g.sort_values("version").iloc[-1]["assessment_id"]))
        if aid is not None:  # awaiting its sign-off: not yet due
            items.append(("five-year", f"{int(a)}-{int(b)}", g.loc[g["assessment_id"] == aid, "created_at"].iloc[0]))
    return items


def obligations(db_path: str | os.PathLike, today: date | None = None, due_days: int = bp.FILING_DUE_DAYS) -> pd.DataFrame:
    """Every approved item: kind, object_id, approved_at, due (date), status (received | filed | due |
    overdue), filing_id. An item approved again after its filing is due again."""
    today = today or date.today()
    with db.connect(db_path) as con:
        items, f = _approved_items(con), store.filings(con)
    rows = []
    for kind, oid, at in items:
        at = pd.Timestamp(at)
        due = (at + timedelta(days=int(due_days))).date()
        mine = f[(f["kind"] == kind) & (f["object_id"].astype(str) == oid) & (pd.to_datetime(f["submitted_at"]) >= at)]
        if len(mine):
            last = mine.iloc[-1]
            status = "received" if isinstance(last["receipt"], str) else "filed"
            fid = int(last["filing_id"])
        else:
            status, fid = ("overdue" if today > due else "due"), None
        rows.append({"kind": kind, "object_id": oid, "approved_at": at, "due": due, "status": status, "filing_id": fid})
    cols = ["kind", "object_id", "approved_at", "due", "status", "filing_id"]
    return pd.DataFrame(rows, columns=cols).sort_values(["due", "kind"]).reset_index(drop=True)
