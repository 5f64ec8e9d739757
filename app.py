"""Carbon budget monitor: page config, language switch and navigation. No logic lives here."""
from __future__ import annotations

import streamlit as st

from services import auth, builtin_text, data, freshness, session
from services.i18n import LANGS, lang, t

st.set_page_config(page_title="碳排放预算监测 · Carbon budget monitor", page_icon="🌦️", layout="wide")

if "lang" not in st.session_state:
    st.session_state["lang"] = session.initial_lang()  # ?lang= in the address, else the cookie, else Chinese

with st.sidebar:
    st.radio(t("language"), options=list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
session.keep_lang(lang())  # a reload or a new tab keeps the language

pages = [
    st.Page("app_pages/weather.py", title=t("page_weather"), icon="🌦️", url_path="weather", default=True),
    st.Page("app_pages/city.py", title=t("page_city"), icon="🏙️", url_path="city"),
    st.Page("app_pages/rankings.py", title=t("page_rankings"), icon="🏆", url_path="rankings"),
    st.Page("app_pages/screen.py", title=t("fu_page_screen"), icon="🖥️", url_path="screen"),
    st.Page("app_pages/alerts.py", title=t("page_alerts"), icon="🚨", url_path="alerts"),
    st.Page("app_pages/overview.py", title=t("page_overview"), icon="🗄️", url_path="overview"),
    st.Page("app_pages/accuracy.py", title=t("page_accuracy"), icon="🎯", url_path="accuracy"),
    st.Page("app_pages/plan.py", title=t("plan_page"), icon="📝", url_path="plan"),
    st.Page("app_pages/annual_accounts.py", title=t("acc_page_annual"), icon="📒", url_path="annual_accounts"),
    st.Page("app_pages/five_year_accounts.py", title=t("acc_page_five"), icon="🏅", url_path="five_year_accounts"),
    st.Page("app_pages/measures.py", title=t("page_measures"), icon="🧰", url_path="measures"),
    st.Page("app_pages/province.py", title=t("pv_page"), icon="🏛️", url_path="province"),
    st.Page("app_pages/allowances.py", title=t("alw_page"), icon="🏭", url_path="allowances"),
]
path = data.warehouse_path()
try:
    session.restore(path)  # signed in from the session cookie after a reload or in a new tab
    auth.sidebar(path)
    if auth.can(path, "upload"):
        pages += [st.Page("app_pages/upload.py", title=t("page_upload"), icon="📤", url_path="upload"),
                  st.Page("app_pages/batches.py", title=t("page_batches"), icon="🗂️", url_path="batches"),
                  st.Page("app_pages/meters.py", title=t("mt_page"), icon="🔌", url_path="meters")]
    if auth.can(path, "approval_confirm"):
        pages.append(st.Page("app_pages/approvals.py", title=t("fu_page_approvals"), icon="✍️", url_path="approvals"))
    if auth.can(path, "manage_users"):
        pages.append(st.Page("app_pages/admin.py", title=t("fu_page_admin"), icon="🛠️", url_path="admin"))
except FileNotFoundError:
    pass  # no warehouse yet: every page says so
session.write_pending()  # cookies to set or delete after a sign-in, a sign-out or a language change
page = st.navigation(pages, expanded=True)  # every page listed: no English "View n more" fold in the Chinese UI
freshness.show_flash()  # the confirmation of this session's last write, on whichever page it lands
builtin_text.localize()  # Streamlit's own widget words in Chinese on every page
page.run()
