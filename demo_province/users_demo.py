"""The demo's accounts: one per role, so a newcomer can try every journey (issue 22). Their passwords are
public on purpose — the sign-in page prints them while the warehouse is still the demo
(``warehouse.demo_accounts.is_demo``) and refuses them as soon as people's own content arrives."""
from __future__ import annotations

import os

from warehouse import db, demo_accounts, users

#: name, role, region (a reporter answers for one city), password
DEMO_USERS = (
    ("张管理", "admin", None, "demo-admin-2026"),
    ("赵审定", "approver", None, "demo-approver-2026"),
    ("王分析", "analyst", None, "demo-analyst-2026"),
    ("李填报", "reporter", "SF03", "demo-reporter-2026"),
    ("刘查看", "viewer", None, "demo-viewer-2026"),
)


def create_demo_users(db_path: str | os.PathLike) -> list[str]:
    """Add the demo accounts (a role the warehouse does not know yet is skipped) and mark them as demo."""
    made = []
    with db.connect(db_path) as con:
        codes = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    for name, role, region, password in DEMO_USERS:
        if region is not None and region not in codes:
            continue
        try:
            users.add_user(db_path, name, role, password, region=region)
        except users.UserError as exc:
            if exc.code == "bad_role":  # e.g. the approver before its role exists
                continue
            raise
        made.append(name)
    with db.transaction(db_path) as con:
        for name, _, _, password in DEMO_USERS:
            if name in made:
                demo_accounts.record(con, name, password)
    return made
