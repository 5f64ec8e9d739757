"""The sign-off queue for the pages (审定): pending approvals and their history, confirm and refuse through the
CLI in a child process (the role and the second-signer rule are checked again in its transaction)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import admin_view, auth
from services.actions import ActionResult


@st.cache_data(show_spinner=False, max_entries=8)
def listing(path: str, version: str) -> pd.DataFrame:
    from monitor import approvals

    del version
    cols = ["id", "action", "summary", "requested_by", "requested_at", "status", "signoff", "decided_by", "decided_at", "reason"]
    rows = approvals.listing(path)
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def confirm(path: str, user: str | None, approval_id: int) -> ActionResult:
    user = auth.require(path, "approval_confirm", user)
    return admin_view._cli(path, ["approvals", "confirm", str(int(approval_id)), "--user", user])


def refuse(path: str, user: str | None, approval_id: int, reason: str) -> ActionResult:
    user = auth.require(path, "approval_confirm", user)
    return admin_view._cli(path, ["approvals", "refuse", str(int(approval_id)), "--reason", reason, "--user", user])
