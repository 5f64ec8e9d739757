"""Loading a validated key-emitter registry upload (intake.registry) as one batch, in one transaction
with the role check (registry_upload)."""
from __future__ import annotations

import os

from intake.registry import RegistryUpload, read_registry
from warehouse import db, key_emitters, store, users


def check(db_path: str | os.PathLike, data: bytes, filename: str, sheet: str | None = None) -> RegistryUpload:
    """Read and validate against the warehouse's regions; stores nothing."""
    with db.connect(db_path) as con:
        known = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    return read_registry(data, filename, known, sheet)


def load(db_path: str | os.PathLike, data: bytes, filename: str, user: str | None = None,
         sheet: str | None = None) -> tuple[RegistryUpload, int | None]:
    """(the checked upload, batch id or None when refused). Any error refuses the whole file."""
    up = check(db_path, data, filename, sheet)
    if not up.ok:
        return up, None
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "registry_upload")
        batch, _ = store.new_batch(con, origin="registry", created_by=name, source_name=os.path.basename(filename),
                                   sha256=up.sha256, rows_in=len(up.years), rows_loaded=len(up.years),
                                   report=up.report().to_dict(orient="records"))
        key_emitters.store_registry(con, up.registry, up.years.astype({"year": int}), batch)
    return up, batch
