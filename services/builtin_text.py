"""Streamlit's own widget words (the file uploader's "Drag and drop", "Limit 200MB", "Browse files"/"Upload")
have no option to change them: in Chinese they are hidden and drawn in Chinese by CSS, for every page at
once (app.py), so no page shows English leftovers (issue 22)."""
from __future__ import annotations

import streamlit as st

from services.i18n import lang, t


def localize() -> None:
    if lang() != "zh":
        return
    drop = "[data-testid='stFileUploaderDropzone']"
    st.markdown(
        "<style>"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] span{{font-size:0 !important;}}"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] span::before{{content:'{t('up_drop_here')}';font-size:1rem;}}"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] small{{font-size:0 !important;}}"
        f"{drop} [data-testid='stFileUploaderDropzoneInstructions'] small::before{{content:'{t('fu_drop_limit')}';font-size:.8rem;}}"
        f"{drop} button, {drop} button *{{font-size:0 !important;}}"
        f"{drop} button::after{{content:'{t('up_browse')}';font-size:.9rem;}}"
        "</style>", unsafe_allow_html=True)
