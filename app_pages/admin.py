"""系统管理 / Administration (admins): users and their roles, the region tree, and the targets handed down
once the books carry them. Every change shows its result at once (services.freshness)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import admin_view as A
from services import auth, data, session
from services.freshness import after_write
from services.i18n import lang, name_col, t
from services.tables import bilingual
from warehouse import catalog, demo_accounts, users

path, version = data.require_warehouse()
auth.gate(path, "manage_users")
me, _ = auth.current_user()
L = lang()
st.title(t("fu_page_admin"))
st.caption(t("fu_admin_intro"))
regions = data.regions(path, version, None)
names = dict(zip(regions["code"], regions[name_col()]))
refused = lambda r: st.error(t("fu_admin_refused", msg=r.message_zh if L == "zh" else r.message_en))

st.subheader(t("fu_users"))
people = users.list_users(path)
demo = set(demo_accounts.accounts(path)["name"])
st.dataframe(pd.DataFrame({
    t("auth_name"): people["name"], t("fu_demo_role"): people["role"].map(session.role_label),
    t("fu_user_region"): people["region"].map(lambda r: names.get(r, r) if isinstance(r, str) else t("fu_whole_tree")),
    t("fu_user_created"): people["created_at"].astype(str).str[:16],
    t("fu_user_state"): [t("fu_disabled") if d else t("fu_enabled") for d in people["disabled"]],
    t("fu_user_demo"): [t("yes") if n in demo else t("no") for n in people["name"]]}), hide_index=True, width="stretch")

roles = [*users.ROLES[::-1]] + ([users.APPROVER] if hasattr(users, "APPROVER") else [])
with st.form("fu_add_user", clear_on_submit=False):
    st.markdown(f"**{t('fu_add_user')}**")
    c = st.columns(4)
    name = c[0].text_input(t("auth_name"), key="fu_u_name")
    role = c[1].selectbox(t("fu_demo_role"), roles, format_func=session.role_label, key="fu_u_role")
    cities = [None] + list(regions["code"])
    region = c[2].selectbox(t("fu_user_region"), cities, key="fu_u_region",
                            format_func=lambda r: t("fu_whole_tree") if r is None else names.get(r, r))
    pw = c[3].text_input(t("auth_password"), type="password", key="fu_u_pw")
    st.caption(t("fu_user_rules", n=users.MIN_PASSWORD_LENGTH))
    if st.form_submit_button(t("fu_add_user")):
        r = A.add_user(path, me, name, role, region, pw)
        if r.ok:
            after_write(t("fu_user_added", name=users.normalize_name(name), role=session.role_label(role)),
                        reset=("fu_u_name", "fu_u_pw", "fu_u_role", "fu_u_region"))
        refused(r)

if len(people):
    c = st.columns([2, 1, 1])
    who = c[0].selectbox(t("fu_pick_user"), list(people["name"]), key="fu_u_pick")
    off = bool(people.set_index("name").loc[who, "disabled"])
    if c[1].button(t("fu_enable") if off else t("fu_disable"), key="fu_u_toggle", disabled=(who == me)):
        r = A.set_disabled(path, me, who, not off)
        if r.ok:
            after_write(t("fu_user_enabled" if off else "fu_user_disabled", name=who))
        refused(r)

st.subheader(t("fu_regions"))
st.caption(t("fu_regions_intro"))
tree = pd.DataFrame({t("col_code"): regions["code"], t("fu_name_zh"): regions["name_zh"], t("fu_name_en"): regions["name_en"],
                     t("fu_parent"): regions["parent"].map(lambda p: names.get(p, p) if isinstance(p, str) and p else "—"),
                     t("fu_level"): regions["level"].map(lambda v: t(f"fu_level_{v}") if v in catalog.LEVELS else str(v))})
st.dataframe(tree, hide_index=True, width="stretch")
c = st.columns(2)
c[0].download_button(t("fu_regions_download"), A.regions_csv(regions), file_name="regions.csv", mime="text/csv", key="fu_r_dl")
c[1].download_button(t("fu_regions_template"), A.REGION_TEMPLATE.encode("utf-8-sig"), file_name="regions_template.csv",
                     mime="text/csv", key="fu_r_tpl")
up = st.file_uploader(t("fu_regions_upload"), type=["csv"], key="fu_r_file")
if up is not None and st.button(t("fu_regions_load"), key="fu_r_go", type="primary"):
    r = A.load_regions(path, me, up.getvalue())
    if r.ok:
        after_write(t("fu_regions_done", msg=r.payload.get("out", "")), reset=("fu_r_file",))
    refused(r)

st.subheader(t("fu_targets"))
st.caption(t("fu_targets_intro"))
tg = A.targets(path, version)
if tg.empty:
    st.info(t("fu_targets_none"))
else:
    st.dataframe(pd.DataFrame({
        t("fu_t_region"): tg["region"].map(lambda r: names.get(r, r)), t("fu_t_period"): tg["period"].str.replace("-", "–"),
        t("fu_t_decline"): tg["intensity_decline"].map(lambda v: f"{v:.1%}"),
        t("fu_t_cap"): tg["total_cap"].map(lambda v: "—" if v is None or v != v else f"{v:,.0f}"),
        t("fu_t_document"): tg["document"].map(bilingual), t("fu_t_version"): tg["version"].astype(int)}), hide_index=True,
        width="stretch")
c = st.columns(2)
c[0].download_button(t("fu_targets_template"), A.targets_template(), file_name="targets_template.csv", mime="text/csv",
                     key="fu_t_tpl")
tf = st.file_uploader(t("fu_targets_upload"), type=["csv", "xlsx"], key="fu_t_file")
if tf is not None and st.button(t("fu_targets_load"), key="fu_t_go", type="primary"):
    r = A.load_targets(path, me, tf.getvalue(), tf.name)
    if r.ok:
        after_write(t("fu_targets_done", msg=r.payload.get("out", "")), reset=("fu_t_file",))
    refused(r)
