"""The GeoJSON export of the shared sample puts its Syrian places inside Syria's Natural Earth boundary."""
import json

from conftest import SHARED, SPUTNIK, rasd

BOUNDARIES = SHARED / "data" / "naturalearth" / "ne_10m_admin_0_countries_mena.geojson"


def _rings(geometry):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [polygon[0] for polygon in polygons]  # outer rings; Syria has no holes that matter here


def _inside(lon, lat, ring):
    """Ray casting: an odd number of edge crossings to the east means inside."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_sample_places_fall_inside_syria(tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "s.geojson"
    assert rasd("analyze", str(SPUTNIK), "--db", str(db), "--published", "2026-11-20").returncode == 0
    assert rasd("export", "--format", "geojson", "--db", str(db), "-o", str(out)).returncode == 0
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    syria = next(f for f in json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
                 if f["properties"]["iso_a2"] == "SY")
    rings = _rings(syria["geometry"])
    syrian = [f for f in collection["features"] if f["properties"]["country"] == "SY"]
    assert len(syrian) >= 15
    for f in syrian:
        lon, lat = f["geometry"]["coordinates"]
        assert any(_inside(lon, lat, ring) for ring in rings), f["properties"]
    named_elsewhere = {f["properties"].get("name_en") for f in collection["features"]
                       if f["properties"]["feature_type"] == "place" and f["properties"]["country"] != "SY"}
    assert named_elsewhere <= {"Russia", "Turkey", "China"}  # countries the article names as actors
    events = [f for f in collection["features"] if f["properties"]["feature_type"] == "event"]
    assert events and all(f["properties"]["country"] == "SY" for f in events)
