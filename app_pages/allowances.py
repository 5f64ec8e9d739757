"""配额管理 / Allowances: the key emitting units' allowance year — the list with markets, local additions and
carbon-efficiency grades; pre-allocation and true-up with the reconciliation to the city budgets; surrender and
compliance; unit advances; prices, the price-stabilisation reserve, proposals and buy-backs; regional quota trades."""
from __future__ import annotations

import streamlit as st

from budget import allowances as al
from services import allowances_forms as forms
from services import allowances_view as av
from services import auth, data
from services.i18n import lang, t
from services.tables import user_name

path, version = data.require_warehouse()
st.title(t("alw_page"))
st.caption(t("alw_intro"))
first = av.overview(path, version, None)
lst = first["list"]
if not lst["market"].isin(["national", "local"]).any():
    st.info(t("alw_none"))
    st.stop()
years = sorted(set(first["years"]) | {first["year"]})
year = st.selectbox(t("alw_year"), years, index=years.index(first["year"]), key="alw_year")
o = first if year == first["year"] else av.overview(path, version, year)
comp = o["compliance"]
m = st.columns(4)
m[0].metric(t("alw_n_national"), int((lst["market"] == "national").sum()))
m[1].metric(t("alw_n_local"), int((lst["market"] == "local").sum()))
m[2].metric(t("alw_n_additions"), int(lst["local_addition"].fillna(False).astype(bool).sum()))
m[3].metric(t("alw_n_short"), int(comp["status"].isin(["short", "overdue"]).sum()) if len(comp) else 0)
if not auth.can(path, forms.ANALYST):
    st.info(t("alw_sign_in"))

tabs = st.tabs([t("alw_tab_list"), t("alw_tab_alloc"), t("alw_tab_comp"), t("alw_tab_adv"), t("alw_tab_market"), t("alw_tab_trade")])
with tabs[0]:
    shown = o["list"][o["list"]["market"].isin(["national", "local"])] if st.toggle(t("alw_only_covered"), True, key="alw_only") else o["list"]
    st.dataframe(av.table(shown, ["code", "name", "region", "sector", "market", "local_addition", "local_criterion", "gases", "product",
                                  "co2", "intensity", "k", "grade"], o["regions"]), hide_index=True, width="stretch")
    st.caption(t("alw_grade_note"))
    st.markdown(f"**{t('alw_spread')}**")
    st.dataframe(av.spread_table(o["spread"]), hide_index=True, width="stretch")
    st.markdown(f"**{t('alw_coverage')}**")
    nat = al.NATIONAL_COVERAGE
    st.caption(t("alw_coverage_national", rows=("；" if lang() == "zh" else "; ").join(t("alw_coverage_row", sector=al.sector_label(r.sector, lang()), gases=r.gases,
                                                           threshold=r.threshold, year=r.from_year) for r in nat.itertuples())))
    cov = o["coverage"]
    if cov.empty:
        st.caption(t("alw_no_local_coverage"))
    else:
        st.caption(t("alw_coverage_local", version=int(cov["version"].iloc[0]), who=user_name(cov["recorded_by"].iloc[0]), when=str(cov["recorded_at"].iloc[0])[:10]))
        st.dataframe(av.coverage_table(cov), hide_index=True, width="stretch")
with tabs[1]:
    st.caption(t("alw_method"))
    forms.allocation_actions(path, year)
    if o["results"].empty:
        st.info(t("alw_not_allocated", year=year))
    else:
        st.dataframe(av.table(o["results"], ["code", "name", "market", "product", "benchmark", "output", "preallocated", "trued_up",
                                             "adjusted", "issued", "advanced_in", "advanced_out", "held"]), hide_index=True, width="stretch")
        st.markdown(f"**{t('alw_reconcile')}**")
        rec = o["reconcile"]
        off = rec[(rec["gap"].abs() > 0.01 * rec["key_emitter_budget"].abs())] if len(rec) else rec
        (st.warning if len(off) else st.success)(t("alw_reconcile_gap", n=len(off)) if len(off) else t("alw_reconcile_ok"))
        st.dataframe(av.table(rec, ["region", "allowances", "budget", "share", "key_emitter_budget", "gap"], o["regions"]),
                     hide_index=True, width="stretch")
        st.download_button(t("alw_download"), av.workbook(path, version, year, lang()), f"allowances_{year}.xlsx", key="alw_xlsx")
with tabs[2]:
    if comp.empty:
        st.info(t("alw_not_allocated", year=year))
    else:
        st.caption(t("alw_deadline", date=comp["deadline"].iloc[0]))
        st.dataframe(av.table(comp, ["code", "name", "market", "verified", "held", "surrendered", "balance", "shortfall", "status"]),
                     hide_index=True, width="stretch")
        st.markdown(f"**{t('alw_shortfalls')}**")
        short = comp[comp["status"].isin(["short", "overdue"])]
        st.dataframe(av.table(short, ["code", "name", "shortfall", "status"]), hide_index=True, width="stretch") if len(short) else st.caption(t("alw_no_shortfalls"))
        forms.surrender_form(path, year, comp)
with tabs[3]:
    adv = o["advances"]
    st.dataframe(av.table(adv, ["code", "year", "amount", "cap", "reason", "approved_by"]), hide_index=True, width="stretch") if len(adv) else st.caption(t("alw_no_advances"))
    forms.advance_form(path, year, o["results"]["code"].tolist(), o["rules"]["allowance.unit_advance_cap_share"])
with tabs[4]:
    mk = o["market"]
    if o["prices"].empty or mk is None:
        st.info(t("alw_no_prices"))
    else:
        lo, hi = mk["band"]
        st.caption(t("alw_band", lo=f"{lo:.2f}", hi=f"{hi:.2f}", market=av.market_label(mk["market"]), window=mk["window"]))
        if mk["signal"]:
            s = mk["signal"]
            st.caption(t("alw_signal", mean=f"{s['mean']:.2f}", first=s["first"], last=s["last"], n=s["n"]))
        st.altair_chart(av.price_chart(o["prices"], lo, hi), width="stretch")
        c = st.columns(3)
        c[0].metric(t("alw_annual_total"), f"{mk['annual_total']:,.0f}")
        c[1].metric(t("alw_reserve"), f"{mk['reserve']:,.0f}")
        c[2].metric(t("alw_bought"), f"{mk['bought']:,.0f} / {mk['buyback_cap']:,.0f}")
        st.markdown(f"**{t('alw_proposals')}**")
        (st.dataframe(av.proposals_table(mk["proposals"]), hide_index=True, width="stretch") if mk["proposals"] else st.success(t("alw_no_proposals")))
        forms.market_forms(path, year, mk)
with tabs[5]:
    tr = o["trades"]
    st.markdown(f"**{t('alw_trades')}**")
    if tr.empty:
        st.caption(t("alw_no_trades"))
    else:
        names = o["regions"].set_index("code")[f"name_{lang()}"]
        st.dataframe(av.trades_table(tr, names), hide_index=True, width="stretch")
