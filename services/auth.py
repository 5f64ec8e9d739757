"""Sign-in and roles for the app. Every action re-checks the role against the warehouse (server side)."""
from __future__ import annotations

import streamlit as st

from services import session
from services.i18n import t
from warehouse import signin, users

SESSION_USER = "auth_user"


def users_configured(path: str) -> bool:
    from services import data

    try:
        return data.by_file(path, "any_users", lambda: users.any_users(path))  # no DuckDB open per view
    except FileNotFoundError:
        return users.any_users(path)


@st.cache_resource(show_spinner=False)
def _guard() -> signin.SignInGuard:
    """One sign-in register per serving process (shared by every session)."""
    return signin.SignInGuard()


def client_address() -> str:
    """The connection's address as the server sees it ("local" on the machine itself): sign-in failures
    are counted per name and address, so a stranger cannot lock the admin out (``warehouse.signin``)."""
    try:
        return st.context.ip_address or signin.LOCAL_CLIENT
    except Exception:  # noqa: BLE001 - no request context (tests, scripts)
        return signin.LOCAL_CLIENT


def sign_in(path: str, user: str, password: str) -> tuple[str | None, str]:
    """(role, "") when the password is right; (None, message key) when wrong or the name is locked; a demo
    account only while the warehouse is the demo (its password is public)."""
    from warehouse import demo_accounts

    role, problem = signin.sign_in(path, user, password, client_address(), _guard())
    if role is not None and demo_accounts.is_demo_account(path, user) and not demo_accounts.is_demo(path):
        return None, "fu_demo_closed"
    return role, problem


def current_user() -> tuple[str | None, str | None]:
    info = st.session_state.get(SESSION_USER)
    return (info["name"], info["role"]) if info else (None, None)


def can(path: str, action: str) -> bool:
    """Whether the signed-in user may do ``action`` (for showing pages; actions check again)."""
    name, role = current_user()
    return users_configured(path) and name is not None and users.can(role, action)


def gate(path: str, action: str) -> None:
    """Stop the page with a clear message unless the signed-in user may do ``action``."""
    if not can(path, action):
        st.error(t("auth_denied", msg=t("auth_read_only") if not users_configured(path) else t("role_analyst")))
        st.stop()


def require(path: str, action: str, user: str | None) -> str:
    """``user`` if the warehouse says their role allows ``action``; else PermissionDenied (no users: read-only)."""
    if not users_configured(path):
        raise users.PermissionDenied("read_only", "no users are configured: the app is read-only",
                                     "尚未配置用户：应用为只读")
    users.require_role(path, user, action)
    return str(user)


def sidebar(path: str) -> None:
    """Sign-in form, or who is signed in, or how to add an analyst when no users exist."""
    if not users_configured(path):
        st.sidebar.info(t("auth_read_only"))
        return
    name, role = current_user()
    if name:
        st.sidebar.write(t("auth_signed_in", name=name, role=session.role_label(role)))
        if st.sidebar.button(t("auth_sign_out"), key="auth_sign_out"):
            session.forget(path)  # the session and its cookie
            st.rerun()
        return
    with st.sidebar.form("auth_form"):
        st.write(t("auth_sign_in"))
        user = st.text_input(t("auth_name"), key="auth_name")
        password = st.text_input(t("auth_password"), type="password", key="auth_password")
        if st.form_submit_button(t("auth_sign_in_button")):
            role, problem = sign_in(path, user, password)
            if role is None:
                st.error(t(problem, minutes=signin.SIGNIN_LOCK_SECONDS // 60))
            else:
                st.session_state[SESSION_USER] = {"name": users.normalize_name(user), "role": role}
                session.remember(path, users.normalize_name(user))  # survives a reload and a new tab
                st.rerun()
    session.demo_panel(path)  # the demo's accounts and passwords, only while the warehouse is the demo
