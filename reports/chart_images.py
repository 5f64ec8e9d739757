"""Vega-Lite specs → PNG / SVG bytes offline (vl-convert) with the CJK fonts.

Every text in the spec (values, field names, titles) is cleaned first (``safe_text.clean``: a region
name with ``\\x07`` used to abort the process inside vl-convert), and the renderer itself runs in the
child process of ``reports.render_worker``, so a crash is a refused request (``RenderError``), never
the end of the server.
"""
from __future__ import annotations

import json
from typing import Mapping

from reports import render_worker
from reports.fonts import font_dirs
from reports.safe_text import clean


def clean_spec(obj):
    """A copy of a JSON-like spec with every string (keys included) cleaned."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, dict):
        return {clean(k) if isinstance(k, str) else k: clean_spec(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_spec(v) for v in obj]
    return obj


def _spec(spec: dict | str) -> dict:
    return clean_spec(json.loads(spec) if isinstance(spec, str) else spec)


def _register_fonts() -> tuple[str, ...]:
    """The font directories the renderer registers (empty when no CJK font is installed)."""
    return font_dirs()


def specs_png(specs: Mapping[str, dict | str], scale: float = 2.0) -> dict[str, bytes]:
    """PNG bytes of several specs in one renderer call ({name: spec} → {name: png})."""
    if not specs:
        return {}
    return render_worker.run("png", {"specs": {k: _spec(v) for k, v in specs.items()}, "scale": float(scale)})


def spec_png(spec: dict | str, scale: float = 2.0) -> bytes:
    return specs_png({"chart": spec}, scale)["chart"]


def spec_svg(spec: dict | str) -> str:
    return render_worker.run("svg", {"specs": {"chart": _spec(spec)}})["chart"]
