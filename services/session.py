"""Sign-in and language that survive a reload and a new tab (issue 22), and the demo accounts on the sign-in page.

- Sign-in: after a successful sign-in the browser keeps a cookie ``cbm_session`` = ``<payload>.<HMAC-SHA256>``
  (payload: the user's name and an expiry, base64url), signed with a key kept in the warehouse
  (``warehouse.session_keys``). A new session (reload, new tab) reads it from the request
  (``st.context.cookies``), checks the signature and the expiry, and asks the warehouse for the user's role
  and whether the user is still enabled — the cookie never carries a role. Signing out deletes the cookie and
  records its hash (``signed_out_sessions``), so the cookie is refused even if the browser still sends it.
  A demo account's cookie is refused once the warehouse is no longer the demo.
- Language: the address carries ``?lang=zh|en`` (kept on every run) and a cookie ``cbm_lang`` remembers it
  for a new tab opened without it.
- Cookies are written by a one-off script (``st.html`` with JavaScript; Streamlit has no cookie-writing API);
  SameSite=Strict, path=/.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pandas as pd
import streamlit as st

from services.i18n import LANGS, TEXT, name_col, t
from warehouse import demo_accounts, session_keys, users

COOKIE_USER = "cbm_session"
COOKIE_LANG = "cbm_lang"
MAX_AGE_SECONDS = 12 * 3600
LANG_MAX_AGE_SECONDS = 365 * 86400
SESSION_USER = "auth_user"
SIGNED_OUT = "auth_signed_out"
SESSION_TOKEN = "_session_token"
_PENDING = "_cookie_writes"


# ------------------------------------------------------------------ tokens (pure)
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(key: bytes, name: str, now: float | None = None, max_age: int = MAX_AGE_SECONDS) -> str:
    payload = _b64(json.dumps({"u": name, "exp": int((now or time.time()) + max_age)}, ensure_ascii=False).encode())
    return f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()}"


def read_token(key: bytes, token: str | None, now: float | None = None) -> str | None:
    """The user name of a valid, unexpired token signed with ``key``; None for anything else."""
    if not token or token.count(".") != 1:
        return None
    payload, sig = token.split(".")
    good = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, sig):
        return None
    try:
        data = json.loads(_unb64(payload))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or int(data.get("exp", 0)) < (now or time.time()):
        return None
    return data["u"]


# ------------------------------------------------------------------ cookies
def _cookies() -> dict:
    try:
        return dict(st.context.cookies)
    except Exception:  # noqa: BLE001 - no request (AppTest, scripts)
        return {}


def _queue(name: str, value: str, max_age: int) -> None:
    st.session_state.setdefault(_PENDING, {})[name] = (value, max_age)


def write_pending() -> None:
    """Write the queued cookies into the browser (once; nothing when none are queued)."""
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return
    parts = [f"{n}={v}; path=/; max-age={a}; SameSite=Strict" for n, (v, a) in pending.items()]
    st.html("<script>" + "".join(f"document.cookie = {json.dumps(p)};" for p in parts) + "</script>",
            unsafe_allow_javascript=True)


def role_label(role: str | None) -> str:
    for key in (f"role_{role}", f"fu_role_{role}"):
        if key in TEXT:
            return t(key)
    return str(role or "—")


def restore(path: str) -> None:
    """Sign the session in from a valid cookie (a reload or a new tab), unless it signed out."""
    if st.session_state.get(SESSION_USER) or st.session_state.get(SIGNED_OUT):
        return
    token = _cookies().get(COOKIE_USER)
    if not token:
        return
    try:
        name = read_token(session_keys.session_key(path), token)
        if name is None or session_keys.signed_out(path, token):
            return
        row = users.list_users(path)
        row = row[(row["name"] == name) & ~row["disabled"].astype(bool)]
        if row.empty or (demo_accounts.is_demo_account(path, name) and not demo_accounts.is_demo(path)):
            return
    except Exception:  # noqa: BLE001 - an unreadable warehouse or cookie signs nobody in
        return
    st.session_state[SESSION_USER] = {"name": name, "role": str(row.iloc[0]["role"])}


def remember(path: str, name: str) -> None:
    """After a successful sign-in: keep it for a reload and a new tab."""
    st.session_state.pop(SIGNED_OUT, None)
    token = make_token(session_keys.session_key(path), name)
    st.session_state[SESSION_TOKEN] = token
    _queue(COOKIE_USER, token, MAX_AGE_SECONDS)


def forget(path: str) -> None:
    """Sign out: the session, its cookie, and the cookie's worth on the server (a reload that still sends it
    signs nobody in)."""
    token = st.session_state.pop(SESSION_TOKEN, None) or _cookies().get(COOKIE_USER)
    try:
        session_keys.sign_out(path, token)
    except Exception:  # noqa: BLE001 - a read-only warehouse: the cookie is still deleted
        pass
    st.session_state.pop(SESSION_USER, None)
    st.session_state[SIGNED_OUT] = True
    _queue(COOKIE_USER, "", 0)


def initial_lang() -> str:
    """The language of a new session: the address's ``?lang=``, else the cookie, else Chinese."""
    for value in (st.query_params.get("lang"), _cookies().get(COOKIE_LANG)):
        if value in LANGS:
            return value
    return "zh"


def keep_lang(lang: str) -> None:
    """Keep the chosen language in the address and in the cookie."""
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    if _cookies().get(COOKIE_LANG) != lang and st.session_state.get("_lang_written") != lang:
        st.session_state["_lang_written"] = lang
        _queue(COOKIE_LANG, lang, LANG_MAX_AGE_SECONDS)


# ------------------------------------------------------------------ the demo accounts on the sign-in page
def _fill(name: str, password: str) -> None:
    st.session_state["auth_name"] = name
    st.session_state["auth_password"] = password


def demo_panel(path: str) -> None:
    """While the warehouse is the demo: every demo account with its role, city and password, and a button that
    fills the sign-in form with it."""
    from services import data

    try:  # both remembered until the warehouse file changes: no DuckDB open on every page view
        if not data.by_file(path, "is_demo", lambda: demo_accounts.is_demo(path)):
            return
        accounts = data.by_file(path, "demo_accounts", lambda: demo_accounts.accounts(path))
    except Exception:  # noqa: BLE001 - no demo table in an older warehouse
        return
    if accounts.empty:
        return

    names = dict(zip(*data.regions(path, data.data_version(path), None)[["code", name_col()]].T.values))
    box = st.sidebar.expander(t("fu_demo_accounts"), expanded=True)
    box.caption(t("fu_demo_accounts_note"))
    box.table(pd.DataFrame({  # a plain table: its words are text a newcomer (and a screen reader) can copy
        t("fu_demo_role"): [role_label(r) + (f" · {names.get(g, g)}" if isinstance(g, str) else "")
                            for r, g in zip(accounts["role"], accounts["region"])],
        t("auth_name"): accounts["name"], t("auth_password"): accounts["password"]}).set_index(t("fu_demo_role")))
    for i, r in accounts.iterrows():
        box.button(t("fu_demo_use", role=role_label(r["role"]), name=r["name"]), key=f"demo_fill_{i}",
                   on_click=_fill, args=(r["name"], r["password"]))
