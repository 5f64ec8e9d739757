"""Publishing (公示): turn what may be published (``monitor.publication_records``) into numbered, dated
notices — a record not published before becomes a new notice; a record whose content changed since its
notice becomes a correction (a new notice naming the one it corrects; the old one stays, marked
corrected); a quarterly bulletin is a snapshot and is not corrected — and write the static site
(``publication.site``) from the notices alone, never from the live books."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pandas as pd

from budget import province as bp
from monitor import publication_records as records
from publication import site
from warehouse import db, users
from warehouse import province as store

SNAPSHOT_KINDS = ("bulletin",)  # periodic: published once, never corrected


def _number(notice_id: int, year: int, n: int) -> str:
    del notice_id
    return f"{year}-{n:03d}"


def _notices(con) -> list[dict]:
    out = []
    for r in store.notices(con).to_dict("records"):
        r["content"] = json.loads(r["content"]) if isinstance(r["content"], str) else r["content"]
        r["corrects"] = None if r["corrects"] is None or pd.isna(r["corrects"]) else int(r["corrects"])
        r["notice_id"] = int(r["notice_id"])
        out.append(r)
    return out


def _write(out: Path, files: dict[str, bytes]) -> None:
    """Write the site; pages and CSV files of ours that the site no longer has (a rebuilt warehouse) are removed —
    only in the site's own folders and only files of the kinds it writes."""
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for folder, suffix in (("notices", ".html"), ("en/notices", ".html"), ("csv", ".csv")):
        for stale in (out / folder).glob(f"*{suffix}") if (out / folder).is_dir() else ():
            if stale.relative_to(out).as_posix() not in files:
                stale.unlink()


def publish(db_path: str | os.PathLike, out_dir, user: str | None = None, generated: datetime | None = None) -> dict:
    """Record new notices and corrections (one transaction, an admin once users exist) and write the site
    into ``out_dir``. Returns {out, new: [numbers], corrections: [numbers], notices, files}."""
    out = Path(str(out_dir or "")).expanduser()
    if not str(out_dir or "").strip() or (out.exists() and not out.is_dir()):
        raise bp.ProvinceError("out_dir", value=out_dir)
    with db.connect(db_path) as con:
        users.authorize(con, user, "publish")
    found, bodies = records.collect(db_path)
    new, corrections = [], []
    with db.transaction(db_path) as con:
        who = users.authorize(con, user, "publish")
        latest = {}
        for n in _notices(con):
            latest[n["subject"]] = n
        for rec in found:
            text = store.dump(rec["content"])
            prev = latest.get(rec["subject"])
            if prev is not None and (prev["content_sha256"] == store.sha(text) or rec["kind"] in SNAPSHOT_KINDS):
                continue
            zh, en = rec["title_zh"], rec["title_en"]
            if prev is not None:
                zh, en = "更正：" + zh, "Correction: " + en
            nid = store.insert_notice(con, _number, rec["subject"], rec["kind"], zh, en, rec["content"],
                                      None if prev is None else prev["notice_id"], who)
            number = db.first_row(con.execute("SELECT number FROM notices WHERE notice_id = ?", [nid]))[0]
            (new if prev is None else corrections).append(number)
        notices = _notices(con)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise bp.ProvinceError("out_dir", value=out_dir) from None
    files = site.render(notices, bodies["province"], (generated or datetime.now()).strftime("%Y-%m-%d %H:%M"))
    _write(out, files)
    return {"out": str(out), "new": new, "corrections": corrections, "notices": len(notices), "files": len(files)}


def listing(db_path: str | os.PathLike) -> pd.DataFrame:
    """number, subject, kind, title_zh, title_en, published_at, corrects (number), corrected_by (number)."""
    with db.connect(db_path) as con:
        f = store.notices(con)
    num = dict(zip(f["notice_id"], f["number"]))
    f = f.assign(corrects=[num.get(int(i)) if pd.notna(i) else None for i in f["corrects"]])
    by = {old: new for old, new in zip(f["corrects"], f["number"]) if isinstance(old, str)}
    f["corrected_by"] = [by.get(n) for n in f["number"]]
    return f[["number", "subject", "kind", "title_zh", "title_en", "published_at", "corrects", "corrected_by"]]


def render_preview(db_path: str | os.PathLike) -> dict[str, bytes]:
    """The site as the published notices make it now (for the page's preview; nothing recorded)."""
    with db.connect(db_path) as con:
        notices = _notices(con)
        regions = records.queries.regions(con)
    return site.render(notices, records.bodies(regions)["province"], datetime.now().strftime("%Y-%m-%d %H:%M"))
