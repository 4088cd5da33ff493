"""Build the offline basemap of the web UI from Natural Earth.

Reads the world at 1:50m and the Middle East and North Africa at 1:10m (finer
detail where the events are), simplifies every ring with Douglas-Peucker and
writes one compact JSON under src/rasd/resources/basemap/.  Admin-1 label points
become the labelled province points; their Arabic names come from rasd's own
gazetteer where it knows the province.

    python tools/build_basemap.py [--data ../shared/data] [--out src/rasd/resources/basemap/basemap.json]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD_FILE = "naturalearth/ne_50m_admin_0_countries.geojson"
MENA_FILE = "naturalearth/ne_10m_admin_0_countries_mena.geojson"
ADMIN1_FILE = "naturalearth/ne_10m_admin_1_label_points_mena.geojson"
GAZETTEER = ROOT / "src/rasd/resources/gazetteer.sqlite"

# (tolerance in degrees, decimals kept): 0.001 degree is about 100 m
WORLD_DETAIL = (0.02, 2)
MENA_DETAIL = (0.004, 3)
MIN_RING_AREA = {2: 0.01, 3: 0.0004}  # square degrees; smaller islands are dropped


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on a closed ring, iterative so that long coastlines do not hit the recursion limit."""
    if len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    # split the ring at its farthest point from the start so that both halves are open polylines
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
    keep[far] = True
    stack = [(0, far), (far, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2:
            continue
        (ax, ay), (bx, by) = points[lo], points[hi]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        worst, worst_d = -1, tol2
        for i in range(lo + 1, hi):
            px, py = points[i]
            if norm == 0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d = cross * cross / norm
            if d > worst_d:
                worst, worst_d = i, d
        if worst >= 0:
            keep[worst] = True
            stack += [(lo, worst), (worst, hi)]
    return [p for p, k in zip(points, keep) if k]


def ring_area(points: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def encode_polygons(geometry: dict, detail: tuple[float, int]) -> list[list[list[float]]]:
    """Polygons as lists of rings, each ring a flat [lon, lat, lon, lat, ...] list."""
    tolerance, decimals = detail
    out = []
    for polygon in polygons(geometry):
        rings = []
        for i, ring in enumerate(polygon):
            points = [(float(x), float(y)) for x, y, *_ in ring]
            if ring_area(points) < MIN_RING_AREA[decimals]:
                if i == 0:
                    break  # the outer ring is too small: drop the polygon with its holes
                continue
            simple = simplify(points, tolerance)
            flat: list[float] = []
            previous = None
            for x, y in simple:
                point = (round(x, decimals), round(y, decimals))
                if point != previous:
                    flat += point
                    previous = point
            if len(flat) >= 8:
                rings.append(flat)
        if rings:
            out.append(rings)
    return out


def iso2(props: dict) -> str:
    code = props.get("iso_a2") or "-99"
    return props.get("iso_a2_eh") or "" if code == "-99" else code


def country_record(props: dict, geometry: dict, detail: tuple[float, int]) -> dict:
    return {"iso2": iso2(props) if iso2(props) != "-99" else "", "a3": props["adm0_a3"],
            "name": props.get("name_en") or props["name"], "name_ar": props.get("name_ar") or "",
            "label": [round(props["label_x"], 2), round(props["label_y"], 2)], "rank": props.get("labelrank", 5),
            "polygons": encode_polygons(geometry, detail)}


def arabic_admin1_names(gazetteer: Path) -> dict[tuple[str, str], str]:
    if not gazetteer.exists():
        return {}
    conn = sqlite3.connect(f"file:{gazetteer}?mode=ro", uri=True)
    rows = conn.execute("SELECT country, name_en, name_ar FROM place WHERE fcode = 'ADM1' AND name_ar != ''")
    names = {(country, name_en.lower()): name_ar for country, name_en, name_ar in rows}
    conn.close()
    return names


def build(data: Path, gazetteer: Path) -> dict:
    load = lambda name: json.loads((data / name).read_text(encoding="utf-8"))["features"]  # noqa: E731
    mena = {f["properties"]["adm0_a3"]: f for f in load(MENA_FILE)}
    countries = []
    for f in load(WORLD_FILE):
        a3 = f["properties"]["adm0_a3"]
        if a3 in mena:
            continue
        countries.append(country_record(f["properties"], f["geometry"], WORLD_DETAIL))
    countries += [country_record(f["properties"], f["geometry"], MENA_DETAIL) for f in mena.values()]
    countries = [c for c in countries if c["polygons"]]
    countries.sort(key=lambda c: c["a3"])

    names_ar = arabic_admin1_names(gazetteer)
    admin1 = []
    for f in load(ADMIN1_FILE):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        admin1.append({"name": p["name"], "name_ar": names_ar.get((p["iso_a2"], p["name"].lower()), ""),
                       "iso2": p["iso_a2"], "lon": round(lon, 3), "lat": round(lat, 3),
                       "rank": p.get("scalerank", 9)})
    admin1.sort(key=lambda a: (a["rank"], a["iso2"], a["name"]))
    return {"attribution": "Made with Natural Earth (public domain): 1:50m world, 1:10m Middle East and North Africa.",
            "countries": countries, "admin1": admin1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--gazetteer", type=Path, default=GAZETTEER)
    ap.add_argument("--out", type=Path, default=ROOT / "src/rasd/resources/basemap/basemap.json")
    args = ap.parse_args()
    basemap = build(args.data, args.gazetteer)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(basemap, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    n_points = sum(len(r) // 2 for c in basemap["countries"] for p in c["polygons"] for r in p)
    named = sum(1 for a in basemap["admin1"] if a["name_ar"])
    print(f"wrote {args.out}: {len(basemap['countries'])} countries, {n_points} vertices, "
          f"{len(basemap['admin1'])} admin-1 points ({named} with Arabic names), {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
