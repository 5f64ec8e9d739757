"""Cheap page views must never be stale ones: the per-process caches follow every write to the warehouse."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from services import auth, data, view_cache
from tests.conftest import ROOT, small_regions
from warehouse import db, queries, store, users


def test_data_version_follows_every_commit_without_reopening(empty_db):
    path = str(empty_db)
    with db.transaction(path) as con:
        store.upsert_regions(con, small_regions())
    v1 = data.data_version(path)
    sig = data.signature(path)
    assert data.data_version(path) == v1 and data.signature(path) == sig   # nothing changed: the same answer
    with db.transaction(path) as con:
        store.new_batch(con, origin="upload", source_name="x.csv")
    v2 = data.data_version(path)
    with db.connect(path) as con:
        truth = queries.data_version(con)
    assert v2 != v1 and v2 == truth                                          # a commit is seen at once
    # a writer in another process (as the app's writes run) is seen too
    code = ("import sys; from warehouse import db, store\n"
            "with db.transaction(sys.argv[1]) as con: store.new_batch(con, origin='upload', source_name='y.csv')")
    subprocess.run([sys.executable, "-c", code, path], cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert data.data_version(path) not in (v1, v2)


def test_users_configured_follows_the_users_table(empty_db):
    path = str(empty_db)
    assert auth.users_configured(path) is False
    users.add_user(path, "adm", "admin", "admin-pass-1")
    assert auth.users_configured(path) is True


def test_memo_builds_once_per_version_and_drops_old_versions():
    view_cache.clear()
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.2)
        return len(calls)

    got = []
    threads = [threading.Thread(target=lambda: got.append(view_cache.memo("p", "v1", ("k",), build))) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert got == [1] * 5 and len(calls) == 1                 # five sessions at once: one computation
    assert view_cache.memo("p", "v2", ("k",), build) == 2       # a new data version computes again
    assert view_cache.memo("p", "v1", ("k",), build) == 3       # and the old version's value is gone
    assert view_cache.memo("p", "v1", ("other",), lambda: "x") == "x" and len(calls) == 3
