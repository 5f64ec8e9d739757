"""The key that signs the app's session cookies (migration 015 ``app_secret``): made once per warehouse from
the operating system's randomness, kept in the warehouse, never shown or exported. A new warehouse (or a
rebuilt demo) has a new key, so cookies signed for another warehouse are worthless here."""
from __future__ import annotations

import hashlib
import os
import secrets

from warehouse import db

SESSION_KEY = "session_hmac"


def _read(db_path) -> str | None:
    with db.connect(db_path) as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'app_secret'").fetchall()[0][0]:
            return None
        row = db.first_row(con.execute("SELECT value FROM app_secret WHERE name = ?", [SESSION_KEY]))
    return row[0] if row else None


def session_key(db_path: str | os.PathLike) -> bytes:
    """The signing key (made on first use: 32 random bytes, hex)."""
    value = _read(db_path)
    if value is None:
        with db.transaction(db_path) as con:
            row = db.first_row(con.execute("SELECT value FROM app_secret WHERE name = ?", [SESSION_KEY]))
            value = row[0] if row else secrets.token_hex(32)
            if row is None:
                con.execute("INSERT INTO app_secret VALUES (?, ?, now())", [SESSION_KEY, value])
    return bytes.fromhex(value)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_out(db_path: str | os.PathLike, token: str | None) -> None:
    """Record that the session behind ``token`` signed out: its cookie signs nobody in any more."""
    if not token:
        return
    with db.transaction(db_path) as con:
        con.execute("INSERT INTO signed_out_sessions VALUES (?, now()) ON CONFLICT DO NOTHING", [_hash(token)])


def signed_out(db_path: str | os.PathLike, token: str) -> bool:
    with db.connect(db_path) as con:
        return db.first_row(con.execute("SELECT 1 FROM signed_out_sessions WHERE token_hash = ?",
                                        [_hash(token)])) is not None
