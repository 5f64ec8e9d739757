"""Policy adjustment on screen: cached reads of the measures register, the city page's section (its
measures, the what-if with measures switched on and off, the recommended mix), and the actions
(each runs ``monitor.measures`` with the signed-in user; the role and region are checked again in
the transaction that writes)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import budget
from budget import config as bconfig
from budget import measures as bm
from budget import mix
from budget.measures import MeasureError
from budget.policy import instruments
from monitor import measures as ms
from monitor import measures_outlook as mo
from services import auth, data, view_cache
from services import budget_view as bv
from services.i18n import lang, name_col, t
from services.tables import bilingual, user_name
from warehouse import db, queries, users


@st.cache_data(show_spinner=False, max_entries=16)
def register(path: str, version: str) -> dict[str, pd.DataFrame]:
    del version  # cache key only
    return ms.register(path)


@st.cache_data(show_spinner=False, max_entries=8)
def drivers(path: str, version: str, year: int, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Values of the measures' progress indicators since January of last year."""
    del version
    with db.connect(path) as con:
        return queries.indicator_values(con, list(indicators), f"{year - 1}-01")


def user_scope(path: str) -> str | None:
    """The signed-in user's region (None: province-wide or nobody signed in)."""
    name, _ = auth.current_user()
    if not name:
        return None
    with db.connect(path) as con:
        return users.user_region(con, name)


def instrument_label(code: str) -> str:
    tb = instruments().set_index("code")
    return str(tb.loc[code, f"name_{lang()}"]) if code in tb.index else str(code)


def status_text(status) -> str:
    return bm.status_label(status, lang()) if isinstance(status, str) else "—"


def run_action(fn, *args, **kwargs) -> bool:
    """Run a write with the signed-in user; a refusal is shown in the user's language (no traceback)."""
    name, _ = auth.current_user()
    if not auth.users_configured(kwargs.pop("path_for_check")) or not name:
        st.error(t("ms_sign_in_first"))
        return False
    try:
        fn(*args, user=name, **kwargs)
    except MeasureError as exc:
        st.error(exc.message(lang()))
        return False
    except users.PermissionDenied as exc:
        st.error(exc.message_zh if lang() == "zh" else exc.message_en)
        return False
    except budget.LedgerError as exc:
        st.error(exc.message(lang()))
        return False
    return True


def measures_table(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The register as shown: city, title, instrument, owner, status and why, dates, reduction, cost."""
    if frame.empty:
        return pd.DataFrame()
    lg = lang()
    return pd.DataFrame({
        t("ms_col_id"): frame["measure_id"].astype(int),
        t("ms_col_city"): frame["region"].map(lambda r: names.get(r, r)),
        t("ms_col_title"): frame["title"],
        t("ms_col_instrument"): frame["instrument"].map(instrument_label),
        t("ms_col_type"): frame["instrument_type"].map(lambda k: bconfig.label(bconfig.INSTRUMENT_TYPE_LABELS, k, lg)),
        t("ms_col_owner"): frame["owner_dept"].map(bilingual) + frame["owner_contact"].map(
            lambda c: (f"（{bilingual(c)}）" if lg == "zh" else f" ({bilingual(c)})") if isinstance(c, str) and c.strip() else ""),
        t("ms_col_status"): frame["effective_status"].map(status_text),
        t("ms_col_why"): frame[f"status_reason_{lg}"].map(bilingual),
        t("ms_col_planned"): frame["planned_start"] + "–" + frame["planned_end"],
        t("ms_col_actual"): [f"{a if isinstance(a, str) else '…'}–{b if isinstance(b, str) else '…'}"
                             for a, b in zip(frame["actual_start"], frame["actual_end"])],
        t("ms_col_reduction"): frame["reduction"].astype(float).round(1),
        t("ms_col_cost"): frame["cost"].map(lambda c: bv.num(c, 0)),
    })


def history_table(hist: pd.DataFrame) -> pd.DataFrame:
    """The status history as shown (every change with its reason, who and when)."""
    return pd.DataFrame({
        t("ms_col_id"): hist["measure_id"].astype(int), t("ms_col_status"): hist["status"].map(status_text),
        t("ms_reason"): hist["reason"].map(bilingual), t("ms_actual_start"): hist["actual_start"].fillna("—"),
        t("ms_actual_end"): hist["actual_end"].fillna("—"), t("ms_author"): hist["changed_by"].map(user_name),
        t("col_date"): hist["changed_at"].astype(str).str[:19],
    })


def city_section(path: str, version: str, rep, region: str) -> None:
    """The city page's section: the city's measures, the what-if, expected vs achieved, the mix. Everything
    derived from the data is kept per data version, region and language (``services.view_cache``); the
    what-if is a fragment: ticking a measure on or off reruns only it."""
    reg = view_cache.memo(path, version, ("ms_register",), lambda: ms.register(path))
    allm = reg["measures"]
    mine = allm if region == rep.province else view_cache.memo(path, version, ("ms_mine", region),
                                                               lambda: allm[allm["region"] == region])
    st.subheader(t("ms_city_title"))
    if mine.empty:
        st.info(t("ms_city_none"))
    else:
        names = rep.progress.set_index("region")[name_col()].to_dict()
        view_cache.dataframe(path, version, ("ms_city", region), lambda: measures_table(mine, names),
                             hide_index=True, width="stretch")
    _whatif(path, version, rep, region, allm, mine)
    if not mine.empty:
        ach = view_cache.memo(path, version, ("ms_achieved", region, lang()), lambda: _achieved(path, version, rep, reg, mine))
        if ach is not None:
            st.markdown(f"**{t('ms_achieved')}**")
            st.dataframe(ach, hide_index=True, width="stretch")
            st.caption(t("ms_achieved_note"))
    if region != rep.province:
        st.markdown(f"**{t('ms_mix')}**")
        view_cache.dataframe(path, version, ("ms_mix", region), lambda: _mix(rep, allm, region), hide_index=True,
                             width="stretch")


@st.fragment
def _whatif(path: str, version: str, rep, region: str, allm: pd.DataFrame, mine: pd.DataFrame) -> None:
    st.markdown(f"**{t('ms_whatif')}**")
    on = []
    if not mine.empty:
        live = mine[mine["effective_status"] != "cancelled"]
        cols = st.columns(min(3, max(1, len(live))))
        for i, rec in enumerate(live.to_dict("records")):
            if cols[i % len(cols)].checkbox(f"{rec['title']} ({bv.num(rec['reduction'], 1)})", value=True,
                                            key=f"ms_on_{region}_{rec['measure_id']}"):
                on.append(int(rec["measure_id"]))
    o = view_cache.memo(path, version, ("ms_outlook", region, tuple(on)),
                        lambda: mo.outlook(rep, allm, region, include=on).iloc[0])
    m = st.columns(3)
    m[0].metric(t("ms_year_end"), bv.num(o["projected_year_end_with_measures"], 0),
                delta=t("ms_vs_without", v=bv.num(o["projected_year_end"], 0)), delta_color="off")
    m[1].metric(t("ms_run_out"), o["run_out_month_with_measures"] if isinstance(o["run_out_month_with_measures"], str)
                else t("bv_never"), delta=t("ms_vs_without", v=o["run_out_month"] if isinstance(o["run_out_month"], str)
                                              else t("bv_never")), delta_color="off")
    m[2].metric(t("ms_p_with"), bv.pct(o["p_overspend_with_measures"]),
                delta=t("ms_vs_without", v=bv.pct(o["p_overspend"])), delta_color="off")
    st.caption(t("ms_whatif_note", cut=bv.num(o["measures_reduction"], 1)))


def _achieved(path: str, version: str, rep, reg: dict, mine: pd.DataFrame):
    """Expected against achieved for the city's measures, as shown (None when there is nothing to show)."""
    inds = tuple(sorted({str(i) for i in mine["indicator"] if isinstance(i, str) and i}))
    vals = drivers(path, version, rep.year, inds) if inds else None
    ach = mix.expected_vs_achieved(mine, reg["reports"], vals, rep.year, rep.month)
    if not len(ach):
        return None
    show = mine[["measure_id", "title"]].merge(ach, on="measure_id")
    inds_all = data.indicators(path, version)
    ind_name = dict(zip(inds_all["code"], inds_all[name_col()]))
    return view_cache.arrow(pd.DataFrame({
        t("ms_col_title"): show["title"], t("ms_col_expected"): show["expected_to_date"].round(1),
        t("ms_col_reported"): show["reported_to_date"].map(lambda v: bv.num(v, 1)),
        t("ms_col_accepted"): show["reported_accepted"].map(lambda b: t("ms_yes") if b else t("ms_no")),
        t("ms_col_indicator"): show["indicator"].map(lambda c: ind_name.get(c, c) if isinstance(c, str) and c else "—"),
        t("ms_col_yoy"): show["indicator_yoy"].map(lambda v: bv.pct(v, True)),
        t("ms_col_estimate"): show["indicator_estimate"].map(lambda v: bv.num(v, 1)),
    }))


def _mix(rep, allm: pd.DataFrame, region: str) -> pd.DataFrame:
    mx = mo.city_mix(rep, allm, region)
    lg = lang()
    return pd.DataFrame({
        t("ms_col_instrument"): mx[f"name_{lg}"],
        t("ms_col_type"): mx["instrument_type"].map(lambda k: bconfig.label(bconfig.INSTRUMENT_TYPE_LABELS, k, lg)),
        t("ms_col_why_mix"): mx[f"why_{lg}"],
        t("ms_col_in_place"): [f"✔ {x}" if b else "—" for b, x in zip(mx["in_place"], mx["in_place_titles"])],
    })
