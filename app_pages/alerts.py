"""预警 / Alerts: every city at orange or red, with reasons and the policy mix in full; sortable and downloadable."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reports.safe_text import to_csv_bytes
from services import budget_view as bv
from services import data, tables
from services.i18n import lang, name_col, t

SORTS = {"level": ["level_order", "deviation"], "deviation": ["deviation"], "p_overspend": ["p_overspend"]}
LEVEL_ORDER = {"red": 2, "orange": 1, "green": 0}

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
st.title(t("page_alerts"))
st.caption(t("bv_as_of", year=rep.year, as_of=rep.as_of))
st.caption(t("al_intro"))
alerts = rep.alerts
if alerts.empty:
    st.success(t("al_none"))
    st.stop()
L = lang()
sort = st.radio(t("al_sort"), list(SORTS), format_func=lambda k: t(f"al_sort_{k}"), horizontal=True, key="al_sort")
ordered = alerts.assign(level_order=alerts["warning_level"].map(LEVEL_ORDER)).sort_values(SORTS[sort], ascending=False,
                                                                                             kind="stable")
sep = "；" if L == "zh" else "; "
# what the official reads, formatted as on screen; the CSV is this same table (percentages, not fractions)
table = pd.DataFrame({
    t("bv_city"): ordered[name_col()],
    t("bv_level"): ordered["warning_level"].map(bv.level_label),
    t("bv_status"): ordered["status"].map(bv.status_label),
    t("bv_deviation"): ordered["deviation"].map(lambda v: bv.pct(v, True)),
    t("bv_p_overspend"): ordered["p_overspend"].map(bv.pct),
    t("bv_run_out"): ordered["run_out_month"].map(lambda m: m if isinstance(m, str) else t("bv_never")),
    t("al_reason"): ordered[f"reason_{L}"].map(lambda r: tables.localize_bilingual(r, rep.ledger["project"])),
    t("al_policies"): ordered["policies"].map(lambda ps: sep.join(p[f"name_{L}"] for p in ps) if len(ps) else "—"),
}).reset_index(drop=True)
st.markdown("<style>.st-key-al_table td{white-space:normal !important;vertical-align:top;}"
            ".st-key-al_table td:nth-child(7){min-width:22rem;}.st-key-al_table td:nth-child(8){min-width:14rem;}</style>",
            unsafe_allow_html=True)
with st.container(key="al_table"):
    st.table(table, hide_index=True)  # a static table wraps long text: reasons and policies are read whole
st.download_button(t("al_download"), to_csv_bytes(table), file_name=f"alerts_{rep.as_of}_{L}.csv", mime="text/csv",
                   key="al_csv")
