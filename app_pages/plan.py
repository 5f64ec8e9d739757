"""碳预算编制 / Budget plan: approved plans for everyone; comments on drafts for city reporters and
analysts; scenarios, methods, drafts, revisions and approval for province admins."""
from __future__ import annotations


import streamlit as st

from budget import config
from services.documents import make as make_document
from services import auth, data, plan_editor, plan_tables as T, plan_view as V, province_view, units
from services.freshness import after_write
from services.i18n import lang, name_col, t
from services.tables import user_name

path, _ = data.require_warehouse()
key = V.key(path)
st.title(t("plan_page"))
st.caption(t("plan_intro"))
editor, commenter = auth.can(path, "plan_edit"), auth.can(path, "plan_comment")
names = dict(zip(*data.regions(path, key, None)[["code", name_col()]].T.values))
SCEN = {k: T.scenario_name(k) for k in config.PLAN_SCENARIOS}  # labels fixed now: widgets format with plain dicts
METH = {k: T.method_name(k) for k in config.PLAN_METHODS}


def say(r, done: str, reset=(), select=None) -> None:
    """A write's outcome: on success the page is drawn again on the new state with ``done`` on top and the form
    cleared; a refusal is shown here and the form keeps what was typed."""
    if r.ok:
        after_write(done, reset=reset, select=select)
    st.error(t("plan_refused", msg=r.message_zh if lang() == "zh" else r.message_en))


if editor:
    key = plan_editor.editor(path, key, names, SCEN, METH, say) or key

listing = V.overview(path, key)["plans"]
if not (editor or commenter):
    st.info(t("plan_read_only"))
    listing = listing[listing["approved"].notna()]
if listing.empty:
    st.info(t("plan_none"))
    st.stop()
c1, c2 = st.columns([3, 1])
plan_id = c1.selectbox(t("plan_pick"), list(listing["plan_id"]), key="plan_pick")
detail = V.overview(path, key)["detail"][plan_id]
vers = detail["versions"] if (editor or commenter) else detail["versions"][detail["versions"]["approved_by"].notna()]
number = int(c2.selectbox(t("plan_version"), list(vers["version"])[::-1], key="plan_ver"))
v = V.load(path, key, plan_id, number)
c = v["content"]
row = vers.set_index("version").loc[number]
approved = isinstance(row["approved_by"], str)
(st.success if approved else st.warning)(t("plan_status_approved", v=number, user=user_name(row["approved_by"]), when=str(row["approved_at"])[:16])
                                         if approved else t("plan_status_draft", v=number))
m = st.columns(5)
m[0].metric(t("fu_plan_total"), units.mass(c["total"]))
m[1].metric(t("fu_plan_reserve"), units.mass(sum(x or 0 for x in c["reserve"].values())))
m[2].metric(t("fu_plan_quota"), units.mass(sum(q["amount"] for q in c["quota"])))
m[3].metric(t("plan_scenario"), T.scenario_name(c["scenario"]))
m[4].metric(t("plan_method"), T.method_name(c["method"]))
docs = make_document(V.documents, path, key, plan_id, number)   # a renderer failure is a message, never a traceback
if docs:
    d1, d2 = st.columns(2)
    d1.download_button(t("plan_dl_pdf"), docs[0], f"{plan_id}-v{number}.pdf", "application/pdf", key="plan_pdf")
    d2.download_button(t("plan_dl_xlsx"), docs[1], f"{plan_id}-v{number}.xlsx", key="plan_xlsx")
st.subheader(t("plan_yearly"))
st.dataframe(T.yearly(c), hide_index=True, width="stretch")
st.subheader(t("plan_alloc"))
st.dataframe(T.allocation(c, names), hide_index=True, width="stretch")
if c["quota"]:
    st.subheader(t("plan_quota_table"))
    st.dataframe(T.quota(c, names), hide_index=True, width="stretch")
st.subheader(t("plan_comments"))
cm = V.comments(path, key, plan_id)
if len(cm):  # an if-statement, not a bare expression: Streamlit's magic would print the returned object's docstring
    st.dataframe(T.comments(cm, names), hide_index=True, width="stretch")
else:
    st.caption(t("plan_no_comments"))
province_view.plan_block(path, key, plan_id, number, names)  # asked vs the total, answers to comments, objections
own = V.comment_regions(path, c["members"])  # a city reporter answers for its own city only
if commenter and not approved and own:
    with st.form("plan_comment_form", clear_on_submit=False):
        st.markdown(f"**{t('plan_comment_head')}**")
        region = st.selectbox(t("plan_comment_region"), own, format_func=lambda r: names.get(r, r), key="plan_c_region")
        text = st.text_area(t("plan_comment_text"), key="plan_c_text")
        amount = st.number_input(t("plan_comment_amount"), 0.0, None, 0.0, 100.0, key="plan_c_amount")
        if st.form_submit_button(t("plan_comment_send")):
            say(V.comment(path, auth.current_user()[0], plan_id, number, region, text, amount or None),
                t("fu_comment_done", region=names.get(region, region), v=number), reset=("plan_c_text", "plan_c_amount"))
st.subheader(t("plan_versions"))
st.dataframe(T.versions(vers, names), hide_index=True, width="stretch")
if len(vers) > 1:
    a, b = st.columns(2)
    va = a.selectbox(t("plan_compare"), list(vers["version"]), 0, key="plan_cmp_a")
    vb = b.selectbox(t("plan_version"), list(vers["version"]), len(vers) - 1, key="plan_cmp_b")
    from budget.plan_versions import compare
    st.dataframe(T.compare(compare(V.load(path, key, plan_id, int(va))["content"], V.load(path, key, plan_id, int(vb))["content"]),
                           names, va, vb), hide_index=True, width="stretch")
if editor:
    with st.expander(t("plan_revise")):
        r1, r2, r3 = st.columns(3)
        rs = r1.selectbox(t("plan_scenario"), config.PLAN_SCENARIOS, config.PLAN_SCENARIOS.index(c["scenario"]), format_func=SCEN.get, key="plan_r_scen")
        rm = r2.selectbox(t("plan_method"), config.PLAN_METHODS, config.PLAN_METHODS.index(c["method"]), format_func=METH.get, key="plan_r_meth")
        rr = r3.slider(t("plan_reserve_share", cap=f"{config.RESERVE_SHARE_MAX:.0%}"), 0.0, config.RESERVE_SHARE_MAX, float(c["reserve_share"]), 0.005, key="plan_r_res")
        rn = st.text_input(t("plan_note"), key="plan_r_note")
        if st.button(t("plan_save_revision"), key="plan_r_save"):
            r = V.revise(path, auth.current_user()[0], plan_id, rn, scenario=rs, method=rm, reserve=rr)
            say(r, t("fu_revised", plan=plan_id, v=r.payload.get("version")),  # the new version shown: the one to approve next
                reset=("plan_r_note", "plan_r_scen", "plan_r_meth", "plan_r_res", "plan_cmp_a", "plan_cmp_b"),
                select={"plan_ver": int(r.payload.get("version") or number)})
    if not approved:
        V.approval_preview_section(path, key, plan_id, number, names)  # what the books will show, before the click
    if not approved and st.button(t("plan_approve_btn", v=number), key="plan_approve", type="primary"):
        r = V.approve(path, auth.current_user()[0], plan_id, number)
        if r.ok and r.payload.get("status") == "pending":  # waits for a second signature (the province's rule)
            say(r, t("fu_pending_approval", id=r.payload.get("approval"), who=t(f"fu_who_{r.payload.get('signoff', 'admin')}")))
        say(r, t("fu_plan_approved", plan=plan_id, v=number, n=r.payload.get("ledger_entries")))
