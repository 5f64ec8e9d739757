"""Addresses of the city page (?region=CODE): a code in another case is corrected and said so; an unknown code
gets a clear message and the list to choose from — never silently another city (issue 22)."""
from __future__ import annotations

import streamlit as st

from services.i18n import t


def resolve(wanted: str, labels: dict, regions) -> str:
    """The code meant by ``wanted`` (case-insensitive, or a region's name); else stop with the list of cities."""
    text = str(wanted).strip()
    by_upper = {c.upper(): c for c in labels}
    if text.upper() in by_upper:
        code = by_upper[text.upper()]
        st.info(t("fu_region_case", given=text, code=code, name=labels[code]))
        st.query_params["region"] = code
        return code
    by_name = {str(n): c for c, n in labels.items()}
    names = regions.set_index("code")
    for c in labels:
        for col in ("name_zh", "name_en"):
            by_name.setdefault(str(names.at[c, col]).lower() if c in names.index else "", c)
    if text in by_name or text.lower() in by_name:
        code = by_name.get(text, by_name.get(text.lower()))
        st.query_params["region"] = code
        return code
    st.error(t("fu_region_unknown", given=text[:40]))
    st.markdown(t("fu_region_pick"))
    cols = st.columns(4)
    for i, (code, name) in enumerate(labels.items()):
        cols[i % 4].page_link("app_pages/city.py", label=f"{name}", query_params={"region": code})
    st.stop()
    raise RuntimeError("unreachable")
