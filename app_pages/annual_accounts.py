"""年度决算 / Annual accounts: a year's close (stored versions), its causes (LMDI), the proposed
adjustments with the admin's approval, version history with what changed, and the reports."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from budget import adjustment_rule, lmdi
from services.documents import make as make_document
from services import accounts_view as av
from budget import config as bconfig
from services import auth, data, province_view
from services import budget_view as bv
from services import units
from services.freshness import after_write
from services.i18n import lang, t
from services.tables import user_name

path, version = data.require_warehouse()
L = lang()
st.title(t("acc_page_annual"))
st.caption(t("acc_close_intro"))
years = av.budget_years(path, version)
allv = av.versions(path, version)
if not years:
    st.info(t("acc_no_years"))
    st.stop()
closed = sorted(set(allv["year"].astype(int))) if len(allv) else []
default = closed[-1] if closed else years[0]
year = st.selectbox(t("acc_year"), years, index=years.index(default) if default in years else 0, key="acc_year")
is_admin = auth.can(path, "close_approve")
name, _ = auth.current_user()
vs = allv[allv["year"] == year]


def closed_again(res) -> None:
    """After a close: the page is drawn again on the new version and says which version was stored."""
    if res.ok and res.payload.get("unchanged"):  # nothing changed since the latest version: nothing stored, said so
        after_write(t("fu_close_unchanged", year=year, v=res.payload.get("version", "?")))
    if res.ok:
        after_write(t("fu_close_done", year=year, v=res.payload.get("version", "?"),
                      n=len(res.payload.get("changes") or [])))
    st.error(t("acc_failed", msg=res.message_zh if L == "zh" else res.message_en))


if vs.empty:
    st.info(t("acc_no_close", year=year))
    if is_admin and st.button(t("acc_reclose"), key="acc_close_first"):
        closed_again(av.reclose(path, name, year))
    st.stop()
latest = vs.iloc[0]
rows, fuels = av.close_rows(path, version, int(latest["close_id"]))
months = av.months_list(latest["months_estimated"])
if bool(latest["provisional"]):
    st.warning(t("acc_provisional", months="、".join(months) if L == "zh" else ", ".join(months)))
else:
    st.success(t("acc_final"))
st.caption(t("acc_version", version=int(latest["version"]), when=str(latest["created_at"])[:16], who=user_name(latest["created_by"])))
approved = isinstance(latest["approved_by"], str)
st.caption(t("acc_approved", who=user_name(latest["approved_by"]), when=str(latest["approved_at"])[:16]) if approved else t("acc_not_approved"))

regions = data.regions(path, version, None).set_index("code")
label = lambda r: regions[f"name_{L}"].get(r, r)
prov = rows[rows["is_province"].astype(bool)]
p = prov.iloc[0] if len(prov) else rows.iloc[0]
m = st.columns(4)
m[0].metric(t("fu_budget"), units.mass(p["budget"]))
m[1].metric(t("fu_accounted"), units.mass(p["accounted"]))
m[2].metric(t("acc_execution"), units.pct(p["execution_rate"]))
over = p["conclusion"] == "balance" and pd.notna(p["accounted"]) and pd.notna(p["budget"]) and p["accounted"] > p["budget"]
m[3].metric(t("acc_conclusion"), t("fu_over_in_band") if over else bv.status_label(p["conclusion"]))  # over is never "balance"

st.subheader(t("acc_close_table"))
table = pd.DataFrame({
    t("acc_col_name"): rows["region"].map(label),
    t("acc_col_budget"): rows["budget"].map(bv.num), t("acc_col_accounted"): rows["accounted"].map(bv.num),
    t("acc_col_estimated"): rows["accounted_estimated"].map(bv.num),
    t("acc_col_execution"): rows["execution_rate"].map(bv.pct), t("acc_col_conclusion"): rows["conclusion"].map(bv.status_label),
    t("acc_col_intensity"): rows["intensity"].map(lambda v: bv.num(v, 3)),
    t("acc_col_five"): [f"{bv.pct(a)} / {bv.pct(b)}" for a, b in zip(rows["five_year_execution"], rows["five_year_schedule"])],
    t("acc_col_change"): rows["change_vs_last_year"].map(bv.num),
})
st.dataframe(table, hide_index=True, width="stretch")

st.subheader(t("acc_causes"))
st.caption(t("acc_identity"))
cities = rows[~rows["is_province"].astype(bool)]
long = pd.DataFrame([{"region": label(r["region"]), "factor": t(f"acc_factor_{f}"), "value": float(r[f"lmdi_{f}"])}
                     for _, r in cities.iterrows() for f in lmdi.FACTORS if pd.notna(r[f"lmdi_{f}"])])
if len(long):  # each factor keeps its colour in both languages (explicit domain and range)
    st.vega_lite_chart(long, {"mark": "bar", "encoding": {
        "x": {"field": "region", "type": "nominal", "title": None, "axis": {"labelAngle": -40}},
        "y": {"field": "value", "type": "quantitative", "title": t("acc_col_effect")},
        "color": {"field": "factor", "type": "nominal", "title": t("acc_col_factor"),
                  "scale": {"domain": [t(f"acc_factor_{f}") for f in lmdi.FACTORS],
                            "range": [bconfig.LMDI_FACTOR_COLORS[f] for f in lmdi.FACTORS]}}}}, width="stretch")
lm = rows[["region"] + [f"lmdi_{f}" for f in lmdi.FACTORS] + [f"lmdi_budget_{f}" for f in lmdi.FACTORS]].copy()
lm["region"] = lm["region"].map(label)
for col in lm.columns[1:]:
    lm[col] = lm[col].map(lambda v: units.wan(v, 1))
lm.columns = [t("acc_col_name")] + [t(f"acc_factor_{f}") for f in lmdi.FACTORS] + \
    [f"{t('acc_col_budget')}·{t(f'acc_factor_{f}')}" for f in lmdi.FACTORS]
st.dataframe(lm, hide_index=True, width="stretch")

st.subheader(t("acc_adjust"))
with st.expander(t("acc_rule")):
    st.markdown("\n".join(f"- {line}" for line in adjustment_rule.RULE_TEXT[L]))
adj = pd.DataFrame({
    t("acc_col_name"): rows["region"].map(label),
    t("acc_col_next"): rows["next_budget"].map(bv.num),
    t("acc_col_adjust"): [f"{t('acc_kind_' + k)} {bv.num(a)}" for k, a in zip(rows["adjustment_kind"], rows["adjustment"])],
    t("acc_col_proposed"): rows["proposed_next_budget"].map(bv.num), t("acc_col_reason"): rows[f"reason_{L}"],
})
st.dataframe(adj, hide_index=True, width="stretch")
if is_admin:
    if not approved:
        av.close_preview_section(path, version, year, label)  # what the books will show, before the click
    c = st.columns(2)
    if not approved and c[0].button(t("acc_approve", year=year + 1), key="acc_approve", type="primary"):
        res = av.approve(path, name, year)
        if res.ok and res.payload.get("status") == "pending":  # waits for a second signature (the province's rule)
            after_write(t("fu_pending_approval", id=res.payload.get("approval"), who=t(f"fu_who_{res.payload.get('signoff', 'admin')}")))
        if res.ok:
            after_write(t("fu_approve_done", year=year, v=res.payload.get("version", int(latest["version"])),
                          n=res.payload.get("entries", 0), next=year + 1, moved=units.mass(res.payload.get("moved", 0))))
        st.error(t("acc_failed", msg=res.message_zh if L == "zh" else res.message_en))
    if c[1].button(t("acc_reclose"), key="acc_reclose"):
        closed_again(av.reclose(path, name, year))
else:
    st.caption(t("acc_admin_only"))

st.subheader(t("acc_history"))
hist = pd.DataFrame({t("acc_col_version"): vs["version"], t("acc_col_created"): vs["created_at"].astype(str).str[:16],
                     t("acc_col_by"): vs["created_by"].map(user_name),
                     t("acc_col_provisional"): vs["provisional"].map(lambda b: t("acc_yes") if b else t("acc_no")),
                     t("acc_col_approved"): vs["approved_by"].map(user_name)})
st.dataframe(hist, hide_index=True, width="stretch")
if len(vs) > 1:
    prev, _ = av.close_rows(path, version, int(vs.iloc[1]["close_id"]))
    d = av.diff(prev, rows)
    st.caption(t("acc_diff"))
    if d.empty:
        st.info(t("acc_no_diff"))
    else:
        st.dataframe(av.diff_table(d, label), hide_index=True, width="stretch")
else:
    st.caption(t("acc_single"))

province_view.objections_block(path, version, "close", year, dict(zip(regions.index, regions[f"name_{L}"])))

if st.button(t("acc_make_docs"), key="acc_docs"):
    st.session_state["acc_docs_for"] = int(latest["close_id"])
if st.session_state.get("acc_docs_for") == int(latest["close_id"]):
    pdf, xlsx = make_document(av.annual_docs, path, version, int(latest["close_id"]), year, bool(latest["provisional"]),
                              tuple(months), int(latest["version"])) or (None, None)   # a renderer failure: a message
    if pdf is not None:
        c = st.columns(2)
        c[0].download_button(t("acc_pdf"), pdf, file_name=f"annual_accounts_{year}.pdf", mime="application/pdf", key="acc_pdf")
        c[1].download_button(t("acc_xlsx"), xlsx, file_name=f"annual_accounts_{year}.xlsx", key="acc_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
