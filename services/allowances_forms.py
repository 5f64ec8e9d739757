"""The Allowances page's forms, each shown to the roles that may use it and checked again in the warehouse:
pre-allocate and true up (admin), record a surrender (analyst), apply for and approve a unit's advance, buy back,
act on a proposal (admin), upload prices (analyst)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from intake import prices as iprices
from monitor import allowance_market, allowances
from services import auth
from services.allowances_view import proposals_table, run
from services.freshness import after_write
from services.i18n import lang, t

ADMIN, ANALYST = allowances.PERMISSION["manage"], allowances.PERMISSION["surrender"]


def _n(x) -> str:
    return f"{float(x):,.0f}"


def allocation_actions(path: str, year: int) -> None:
    if not auth.can(path, ADMIN):
        return
    c = st.columns(2)
    if c[0].button(t("alw_preallocate") + f" · {year}", key="alw_pre_go"):
        res = run(allowances.preallocate, path, year=year)
        if res:
            after_write(t("alw_pre_done", year=year, n=len(res["units"]), total=_n(sum(u["preallocated"] for u in res["units"])),
                          reserve=_n(res["reserve_set_aside"])),
                        details=[r["reason_zh"] if lang() == "zh" else r["reason_en"] for r in res["refused"]])
    if c[1].button(t("alw_trueup") + f" · {year}", key="alw_true_go"):
        res = run(allowances.trueup, path, year=year)
        if res:
            after_write(t("alw_true_done", year=year, n=len(res["units"]), change=_n(res["issued_change"]), pending=len(res["pending"])))


def surrender_form(path: str, year: int, comp: pd.DataFrame) -> None:
    if not auth.can(path, ANALYST) or comp.empty:
        return
    st.markdown(f"**{t('alw_surrender')}**")
    open_ = comp[comp["balance"] >= 1]   # at least one whole allowance left
    if open_.empty:
        return
    c = st.columns(3)
    code = c[0].selectbox(t("alw_unit"), open_["code"].tolist(), key="alw_sur_unit")
    row = open_.set_index("code").loc[code]
    default = float(min(row["balance"], row["shortfall"])) if pd.notna(row["shortfall"]) and row["shortfall"] > 0 else float(row["balance"])
    amount = c[1].number_input(t("alw_amount"), min_value=0.0, value=round(default, 1), step=1000.0, key="alw_sur_amount")
    if c[2].button(t("alw_submit"), key="alw_sur_go"):
        res = run(allowances.surrender, path, code=code, year=year, amount=amount)
        if res:
            after_write(t("alw_surrender_done", code=code, amount=_n(amount)), reset=["alw_sur_amount"])


def advance_form(path: str, year: int, codes: list[str], cap_share: float) -> None:
    if not auth.can(path, ADMIN) or not codes:
        return
    st.markdown(f"**{t('alw_advance')}**")
    st.caption(t("alw_advance_cap", share=f"{cap_share:.0%}"))
    c = st.columns(3)
    code = c[0].selectbox(t("alw_unit"), codes, key="alw_adv_unit")
    amount = c[1].number_input(t("alw_amount"), min_value=0.0, value=0.0, step=1000.0, key="alw_adv_amount")
    reason = c[2].text_input(t("alw_reason"), key="alw_adv_reason")
    if st.button(t("alw_submit"), key="alw_adv_go"):
        res = run(allowances.advance, path, code=code, year=year, amount=amount, reason=reason)
        if res:
            msg = t("alw_pending", id=res["id"]) if res["status"] == "pending" else t("alw_advance_done", id=res["result"]["advance_id"])
            after_write(msg, reset=["alw_adv_amount", "alw_adv_reason"])


def market_forms(path: str, year: int, market: dict) -> None:
    if auth.can(path, ADMIN):
        st.markdown(f"**{t('alw_buyback')}**")
        c = st.columns(4)
        amount = c[0].number_input(t("alw_amount"), min_value=0.0, value=0.0, step=1000.0, key="alw_buy_amount")
        price = c[1].number_input(t("alw_price"), min_value=0.0, value=0.0, step=1.0, key="alw_buy_price")
        reason = c[2].text_input(t("alw_reason"), key="alw_buy_reason")
        if c[3].button(t("alw_submit"), key="alw_buy_go"):
            res = run(allowance_market.buyback, path, year=year, amount=amount, price=price, reason=reason or None)
            if res:
                msg = t("alw_pending", id=res["id"]) if res["status"] == "pending" else t("alw_buyback_done", amount=_n(amount), price=f"{price:.2f}")
                after_write(msg, reset=["alw_buy_amount", "alw_buy_price", "alw_buy_reason"])
        props = [p for p in market["proposals"] if p["kind"] in ("release", "replenish")]
        if props:
            st.markdown(f"**{t('alw_reserve_op')}**")
            st.dataframe(proposals_table(props), hide_index=True, width="stretch")
            pick = st.selectbox(t("alw_col_kind"), range(len(props)), format_func=lambda i: t(f"alw_kind_{props[i]['kind']}"), key="alw_res_pick")
            if st.button(t("alw_submit"), key="alw_res_go"):
                p = props[pick]
                res = run(allowance_market.reserve_operation, path, year=year, kind=p["kind"], amount=p["amount"],
                          reason=p["reason_zh"] if lang() == "zh" else p["reason_en"])
                if res:
                    after_write(t("alw_reserve_done"))
    if auth.can(path, ANALYST):
        st.markdown(f"**{t('alw_prices_upload')}**")
        st.download_button(t("alw_prices_template"), iprices.template(), "prices_template.csv", "text/csv", key="alw_prices_tpl")
        up = st.file_uploader(t("alw_prices_upload"), type=["csv", "xlsx"], key="alw_prices_file", label_visibility="collapsed")
        if up is not None and st.button(t("alw_submit"), key="alw_prices_go"):
            res = run(allowance_market.load_prices, path, data=up.getvalue(), filename=up.name)
            if res:
                checked, batch = res
                if batch is not None:
                    after_write(t("alw_prices_loaded", n=len(checked.prices)), reset=["alw_prices_file"])
                st.error(t("alw_prices_rejected"))
                zh = lang() == "zh"
                st.dataframe(pd.DataFrame([{"row": p["row"], "column": p["column"], "value": p["value"],
                                            "problem": p["problem_zh"] if zh else p["problem_en"], "fix": p["fix_zh"] if zh else p["fix_en"]}
                                           for p in checked.problems]).astype(str), hide_index=True, width="stretch")
