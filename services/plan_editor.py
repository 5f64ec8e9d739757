"""The plan page's drafting panel (admins): scenarios side by side, methods side by side, reserve, draft."""
from __future__ import annotations

import json

import streamlit as st

import budget
from budget import config
from services import auth, plan_tables as T, plan_view as V
from services.i18n import lang, t


def editor(path: str, key: str, names: dict, SCEN: dict, METH: dict, say) -> str | None:
    """Scenario parameters (editable, chart + table), method comparison, reserve, and "save draft".
    Returns the new cache key after a draft was saved (else None)."""
    with st.expander(t("plan_editor"), expanded=False):
        c1, c2 = st.columns(2)
        parent = c1.selectbox(t("plan_parent"), V.parents(path, key), format_func=lambda c: names.get(c, c), key="plan_parent")
        years = c2.text_input(t("plan_years"), V.default_years(path, key), key="plan_years")
        cols, overrides = st.columns(3), {}
        try:
            base_year, base_e, params, _, _ = V.preview(path, key, parent, years, "{}")
        except budget.LedgerError as exc:
            st.error(t("plan_refused", msg=exc.message(lang())))
            return None
        for col, name in zip(cols, config.PLAN_SCENARIOS):
            col.markdown(f"**{SCEN[name]}**")
            g = col.number_input(t("plan_gdp_growth"), -0.05, 0.15, float(next(iter(params[name]["gdp_growth"].values()))), 0.005, "%.3f", key=f"plan_g_{name}")
            d = col.number_input(t("plan_int_decline"), -0.05, 0.2, float(next(iter(params[name]["intensity_decline"].values()))), 0.005, "%.3f", key=f"plan_d_{name}")
            overrides[name] = {"gdp_growth": g, "intensity_decline": d}
        _, _, params, paths, summary = V.preview(path, key, parent, years, json.dumps(overrides))
        target = V.target(path, key, parent, years)
        cap = "" if target["total_cap"] is None else t("plan_target_cap", cap=f"{target['total_cap']:,.2f}")
        (st.warning if target["placeholder"] else st.info)(
            t("plan_target_placeholder" if target["placeholder"] else "plan_target",
              decline=f"{target['intensity_decline']:.1%}", doc=target["document"], cap=cap))
        st.caption(t("plan_base", year=base_year, value=f"{base_e:,.0f}"))
        st.altair_chart(T.scenario_chart(paths), width="stretch")
        st.dataframe(T.summary(summary), hide_index=True, width="stretch")
        c1, c2, c3 = st.columns(3)
        scenario = c1.selectbox(t("plan_scenario"), config.PLAN_SCENARIOS, 1, format_func=SCEN.get, key="plan_scen")
        method = c2.selectbox(t("plan_method"), config.PLAN_METHODS, format_func=METH.get, key="plan_meth")
        reserve = c3.slider(t("plan_reserve_share", cap=f"{config.RESERVE_SHARE_MAX:.0%}"), 0.0, config.RESERVE_SHARE_MAX,
                            config.RESERVE_SHARE_DEFAULT, 0.005, key="plan_res")
        w = st.columns(3)
        weights = {k: w[i].number_input(f"{t('plan_weights')} · {k}", 0.0, 1.0, v, 0.1, key=f"plan_w_{k}")
                   for i, (k, v) in enumerate({"history": 0.6, "gdp": 0.2, "per_capita": 0.2}.items())}
        total = st.number_input(t("plan_total_input"), 0.0, None, 0.0, 100.0, key="plan_total")
        chosen = float(summary.set_index("scenario").loc[scenario, "total"])
        cmp, failed = V.methods(path, key, parent, years, total or chosen, reserve, json.dumps(weights))
        st.markdown(f"**{t('plan_methods')}**")
        st.dataframe(cmp.assign(region=cmp["region"].map(lambda c: names.get(c, c))).rename(
            columns={"region": t("plan_col_region"), **{m: T.method_name(m) for m in config.PLAN_METHODS}}), hide_index=True, width="stretch")
        for m, why in failed.items():
            st.warning(t("plan_method_na", method=T.method_name(m), reason=why[lang()]))
        note = st.text_input(t("plan_note"), key="plan_note")
        if st.button(t("plan_save_draft"), key="plan_save", type="primary"):
            r = V.draft(path, auth.current_user()[0], parent, years, note, scenario=scenario, method=method, reserve=reserve,
                        total=total or None, weights=weights if method == "mix" else None, params=params)
            say(r, t("fu_draft_saved", plan=r.payload.get("plan"), v=r.payload.get("version")), reset=("plan_note",),
                select={"plan_pick": r.payload.get("plan"), "plan_ver": r.payload.get("version")} if r.ok else None)
    return None
