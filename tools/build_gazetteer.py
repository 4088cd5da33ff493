"""Build src/rasd/resources/gazetteer.sqlite from the shared data folder.

Sources (see DATA_LICENSES.md): Natural Earth 50m countries (Arabic country
names, label points), GeoNames countryInfo / admin1 / admin2 / cities500 / cities15000,
Who's On First MENA tables, OpenSyria admin units, HOT OSM Sudan populated places and
OCHA Sudan admin points, plus the curated natural_features.tsv and the small table of
world capitals below.  Only rows usable for Arabic text are indexed by name; every
country and every admin-1 in the world is stored (the latter often without an Arabic
name, then reachable only by id).

Usage: python tools/build_gazetteer.py [--data ../shared/data] [--out src/rasd/resources/gazetteer.sqlite]
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rasd.resolve.gazetteer import SCHEMA, fold_key, name_key  # noqa: E402

csv.field_size_limit(10_000_000)

# Key world capitals and cities that Arabic news names often; the data holds only MENA
# cities.  Coordinates are the cities' commonly published centre points (rounded).
WORLD_CITIES = [
    # iso2, arabic names (first preferred), english, lat, lon, feature code
    ("US", "واشنطن", "Washington", 38.895, -77.036, "PPLC"),
    ("US", "نيويورك", "New York", 40.713, -74.006, "PPL"),
    ("RU", "موسكو", "Moscow", 55.756, 37.617, "PPLC"),
    ("RU", "سوتشي", "Sochi", 43.585, 39.723, "PPL"),
    ("GB", "لندن", "London", 51.507, -0.128, "PPLC"),
    ("FR", "باريس", "Paris", 48.857, 2.352, "PPLC"),
    ("DE", "برلين", "Berlin", 52.520, 13.405, "PPLC"),
    ("DE", "ميونخ|ميونيخ", "Munich", 48.137, 11.575, "PPL"),
    ("CN", "بكين|بيجين", "Beijing", 39.904, 116.407, "PPLC"),
    ("UA", "كييف", "Kyiv", 50.450, 30.523, "PPLC"),
    ("BE", "بروكسل|بروكسيل", "Brussels", 50.847, 4.357, "PPLC"),
    ("CH", "جنيف", "Geneva", 46.204, 6.143, "PPL"),
    ("CH", "برن", "Bern", 46.948, 7.447, "PPLC"),
    ("AT", "فيينا", "Vienna", 48.208, 16.373, "PPLC"),
    ("IT", "روما", "Rome", 41.893, 12.483, "PPLC"),
    ("ES", "مدريد", "Madrid", 40.417, -3.704, "PPLC"),
    ("NL", "أمستردام", "Amsterdam", 52.373, 4.893, "PPLC"),
    ("NL", "لاهاي", "The Hague", 52.080, 4.310, "PPLG"),
    ("SE", "ستوكهولم", "Stockholm", 59.329, 18.069, "PPLC"),
    ("NO", "أوسلو", "Oslo", 59.913, 10.752, "PPLC"),
    ("DK", "كوبنهاغن", "Copenhagen", 55.676, 12.568, "PPLC"),
    ("GR", "أثينا", "Athens", 37.984, 23.728, "PPLC"),
    ("CY", "نيقوسيا", "Nicosia", 35.176, 33.364, "PPLC"),
    ("PL", "وارسو", "Warsaw", 52.230, 21.012, "PPLC"),
    ("JP", "طوكيو", "Tokyo", 35.690, 139.692, "PPLC"),
    ("IN", "نيودلهي", "New Delhi", 28.614, 77.209, "PPLC"),
    ("PK", "إسلام آباد|اسلام اباد", "Islamabad", 33.684, 73.048, "PPLC"),
    ("AF", "كابل|كابول", "Kabul", 34.528, 69.172, "PPLC"),
    ("AF", "قندوز", "Kunduz", 36.728, 68.857, "PPLA"),
    ("AF", "قندهار", "Kandahar", 31.613, 65.710, "PPLA"),
    ("AF", "هرات", "Herat", 34.348, 62.199, "PPLA"),
    ("AF", "جلال آباد|جلال اباد", "Jalalabad", 34.426, 70.451, "PPLA"),
    ("PK", "كراتشي", "Karachi", 24.861, 67.010, "PPLA"),
    ("PK", "لاهور", "Lahore", 31.549, 74.344, "PPLA"),
    ("PK", "بيشاور", "Peshawar", 34.008, 71.578, "PPLA"),
    ("AZ", "باكو", "Baku", 40.409, 49.867, "PPLC"),
    ("AM", "يريفان", "Yerevan", 40.179, 44.499, "PPLC"),
    ("GE", "تبليسي", "Tbilisi", 41.715, 44.827, "PPLC"),
    ("KZ", "أستانا|استانا", "Astana", 51.169, 71.449, "PPLC"),
    ("ET", "أديس أبابا", "Addis Ababa", 9.025, 38.747, "PPLC"),
    ("ER", "أسمرة", "Asmara", 15.322, 38.925, "PPLC"),
    ("SS", "جوبا", "Juba", 4.859, 31.571, "PPLC"),
    ("TD", "نجامينا|انجامينا", "N'Djamena", 12.107, 15.044, "PPLC"),
    ("NE", "نيامي", "Niamey", 13.512, 2.113, "PPLC"),
    ("ML", "باماكو", "Bamako", 12.639, -8.003, "PPLC"),
    ("NG", "أبوجا", "Abuja", 9.058, 7.496, "PPLC"),
    ("KE", "نيروبي", "Nairobi", -1.286, 36.817, "PPLC"),
    ("CA", "أوتاوا", "Ottawa", 45.421, -75.697, "PPLC"),
    ("BR", "برازيليا", "Brasilia", -15.794, -47.882, "PPLC"),
    ("KR", "سول|سيول", "Seoul", 37.567, 126.978, "PPLC"),
    ("KP", "بيونغ يانغ|بيونغيانغ", "Pyongyang", 39.039, 125.763, "PPLC"),
    ("MY", "كوالالمبور", "Kuala Lumpur", 3.139, 101.687, "PPLC"),
    ("ID", "جاكرتا", "Jakarta", -6.209, 106.846, "PPLC"),
    ("AU", "كانبيرا", "Canberra", -35.281, 149.130, "PPLC"),
    ("HU", "بودابست", "Budapest", 47.498, 19.040, "PPLC"),
    ("RO", "بوخارست", "Bucharest", 44.427, 26.103, "PPLC"),
    ("BG", "صوفيا", "Sofia", 42.698, 23.322, "PPLC"),
    ("RS", "بلغراد", "Belgrade", 44.787, 20.457, "PPLC"),
    ("IE", "دبلن", "Dublin", 53.350, -6.260, "PPLC"),
    ("PT", "لشبونة", "Lisbon", 38.722, -9.139, "PPLC"),
    ("VE", "كاراكاس|كراكاس", "Caracas", 10.481, -66.904, "PPLC"),
    ("TM", "عشق آباد|عشق اباد", "Ashgabat", 37.960, 58.326, "PPLC"),
    ("UZ", "طشقند", "Tashkent", 41.300, 69.240, "PPLC"),
    # more places abroad that the 2018 news annotated for rasd names (short names that are also ordinary words
    # or given names, such as Nice, Lyon, Bonn or Sydney, are left out)
    ("CZ", "براغ", "Prague", 50.075, 14.438, "PPLC"),
    ("FR", "ستراسبورغ|ستراسبورج", "Strasbourg", 48.573, 7.752, "PPL"),
    ("FR", "مرسيليا", "Marseille", 43.296, 5.370, "PPLA"),
    ("GB", "سالزبوري|سالزبري", "Salisbury", 51.069, -1.795, "PPL"),
    ("GB", "مانشستر", "Manchester", 53.481, -2.243, "PPL"),
    ("GB", "برمنغهام|برمنجهام", "Birmingham", 52.486, -1.890, "PPL"),
    ("GB", "ليفربول", "Liverpool", 53.408, -2.991, "PPL"),
    ("GB", "إدنبرة|ادنبرة", "Edinburgh", 55.953, -3.189, "PPLA"),
    ("ES", "برشلونة", "Barcelona", 41.385, 2.173, "PPLA"),
    ("DE", "هامبورغ|هامبورج", "Hamburg", 53.551, 9.994, "PPLA"),
    ("DE", "فرانكفورت", "Frankfurt", 50.110, 8.682, "PPL"),
    ("DE", "كولونيا", "Cologne", 50.938, 6.960, "PPL"),
    ("IT", "ميلانو", "Milan", 45.464, 9.190, "PPLA"),
    ("CH", "زيوريخ", "Zurich", 47.377, 8.541, "PPLA"),
    ("NL", "روتردام", "Rotterdam", 51.924, 4.478, "PPL"),
    ("FI", "هلسنكي", "Helsinki", 60.170, 24.938, "PPLC"),
    ("SK", "براتيسلافا", "Bratislava", 48.149, 17.107, "PPLC"),
    ("BY", "مينسك", "Minsk", 53.900, 27.559, "PPLC"),
    ("RU", "سان بطرسبرغ|سانت بطرسبرغ", "Saint Petersburg", 59.934, 30.335, "PPLA"),
    ("UA", "سيفاستوبول", "Sevastopol", 44.617, 33.525, "PPL"),
    ("US", "لوس أنجلوس|لوس انجلوس", "Los Angeles", 34.052, -118.244, "PPL"),
    ("US", "شيكاغو", "Chicago", 41.878, -87.630, "PPL"),
    ("US", "سان فرانسيسكو", "San Francisco", 37.775, -122.419, "PPL"),
    ("US", "بوسطن", "Boston", 42.360, -71.059, "PPLA"),
    ("US", "ميامي", "Miami", 25.762, -80.192, "PPL"),
    ("US", "أتلانتا|اتلانتا", "Atlanta", 33.749, -84.388, "PPLA"),
    ("US", "هيوستن", "Houston", 29.760, -95.370, "PPL"),
    ("US", "دالاس", "Dallas", 32.777, -96.797, "PPL"),
    ("US", "فيلادلفيا", "Philadelphia", 39.953, -75.165, "PPL"),
    ("US", "هوليوود", "Hollywood", 34.098, -118.327, "PPLX"),
    ("US", "لاس فيغاس|لاس فيجاس", "Las Vegas", 36.170, -115.140, "PPL"),
    ("US", "سياتل", "Seattle", 47.606, -122.332, "PPL"),
    ("US", "بيتسبرغ", "Pittsburgh", 40.441, -79.996, "PPL"),
    ("US", "أورلاندو|اورلاندو", "Orlando", 28.538, -81.379, "PPL"),
    ("US", "باركلاند", "Parkland", 26.310, -80.237, "PPL"),
    ("US", "فورت لودرديل", "Fort Lauderdale", 26.122, -80.137, "PPL"),
    ("CA", "تورنتو", "Toronto", 43.653, -79.383, "PPLA"),
    ("CA", "مونتريال", "Montreal", 45.502, -73.567, "PPL"),
    ("CU", "هافانا", "Havana", 23.113, -82.366, "PPLC"),
    ("NI", "ماناغوا|ماناجوا", "Managua", 12.114, -86.236, "PPLC"),
    ("CO", "بوغوتا|بوجوتا", "Bogota", 4.711, -74.072, "PPLC"),
    ("BR", "ريو دي جانيرو", "Rio de Janeiro", -22.907, -43.173, "PPLA"),
    ("BR", "ساو باولو", "Sao Paulo", -23.551, -46.633, "PPLA"),
    ("AR", "بوينس آيرس|بوينس ايرس", "Buenos Aires", -34.604, -58.382, "PPLC"),
    ("CN", "شنغهاي", "Shanghai", 31.230, 121.474, "PPLA"),
    ("HK", "هونغ كونغ|هونج كونج", "Hong Kong", 22.320, 114.169, "PPLC"),
    ("PH", "مانيلا", "Manila", 14.600, 120.984, "PPLC"),
    ("PH", "ماراوي", "Marawi", 8.000, 124.289, "PPLA"),
    ("TH", "بانكوك", "Bangkok", 13.756, 100.502, "PPLC"),
    ("LK", "كولومبو", "Colombo", 6.927, 79.861, "PPLC"),
    ("NP", "كاتماندو", "Kathmandu", 27.717, 85.324, "PPLC"),
    ("IN", "مومباي", "Mumbai", 19.076, 72.878, "PPLA"),
    ("IN", "سريناغار|سرينغار", "Srinagar", 34.084, 74.797, "PPLA"),
    ("MM", "يانغون|رانغون", "Yangon", 16.866, 96.195, "PPL"),
    ("BD", "كوكس بازار", "Cox's Bazar", 21.427, 92.005, "PPL"),
    ("AF", "غزني", "Ghazni", 33.549, 68.421, "PPLA"),
    ("AF", "مزار شريف", "Mazar-i-Sharif", 36.709, 67.110, "PPLA"),
    ("PK", "كويتا", "Quetta", 30.180, 66.975, "PPLA"),
    ("KZ", "ألماتي|الماتي", "Almaty", 43.222, 76.851, "PPL"),
    ("AU", "ملبورن", "Melbourne", -37.814, 144.963, "PPLA"),
    ("NG", "لاغوس|لاجوس", "Lagos", 6.524, 3.379, "PPL"),
    ("NG", "مايدوغوري|مايدوجوري", "Maiduguri", 11.846, 13.160, "PPLA"),
    ("BF", "واغادوغو|واجادوجو", "Ouagadougou", 12.371, -1.520, "PPLC"),
    ("ML", "تمبكتو|تومبوكتو", "Timbuktu", 16.773, -3.007, "PPLA"),
    ("ML", "كيدال", "Kidal", 18.441, 1.407, "PPLA"),
    ("SN", "داكار", "Dakar", 14.716, -17.467, "PPLC"),
    ("CD", "كينشاسا", "Kinshasa", -4.441, 15.266, "PPLC"),
    ("UG", "كمبالا", "Kampala", 0.348, 32.582, "PPLC"),
    ("RW", "كيغالي|كيجالي", "Kigali", -1.944, 30.062, "PPLC"),
    ("ZA", "جوهانسبرغ|جوهانسبرج", "Johannesburg", -26.204, 28.047, "PPL"),
]

# Arabic names and label points for admin-1 regions abroad that the news names (GeoNames admin-1 code: names,
# point); GeoNames gives them no Arabic name, and its rows would otherwise sit at their country's label point.
WORLD_REGIONS = {
    "US.FL": ("فلوريدا|ولاية فلوريدا", 27.8, -81.7), "US.TX": ("تكساس|ولاية تكساس", 31.0, -99.0),
    "US.CA": ("كاليفورنيا|ولاية كاليفورنيا", 37.2, -119.5), "US.PA": ("بنسلفانيا|ولاية بنسلفانيا", 40.9, -77.8),
    "US.NM": ("نيو مكسيكو|ولاية نيو مكسيكو", 34.4, -106.1),
    "US.VA": ("فيرجينيا|فرجينيا|ولاية فيرجينيا", 37.5, -78.8), "US.MI": ("ميشيغان|ولاية ميشيغان", 44.3, -85.4),
    "US.IL": ("إلينوي|ايلينوي|ولاية إلينوي", 40.0, -89.2), "US.OH": ("أوهايو|اوهايو|ولاية أوهايو", 40.3, -82.8),
    "US.MN": ("مينيسوتا|ولاية مينيسوتا", 46.3, -94.3), "US.MA": ("ماساتشوستس|ولاية ماساتشوستس", 42.3, -71.8),
    "ES.56": ("كاتالونيا|كتالونيا|إقليم كاتالونيا", 41.8, 1.5), "ES.59": ("إقليم الباسك|بلاد الباسك", 43.0, -2.6),
    "IN.12": ("كشمير|جامو وكشمير", 33.9, 75.3), "MM.01": ("راخين|ولاية راخين|أراكان|إقليم أراكان", 20.1, 93.9),
    "UA.11": ("القرم|شبه جزيرة القرم", 45.3, 34.2), "UA.05": ("دونيتسك", 48.0, 37.8),
    "UA.14": ("لوغانسك|لوهانسك", 48.6, 39.3), "AF.10": ("هلمند|ولاية هلمند", 31.4, 64.3),
    "AF.18": ("ننغرهار|ننجرهار|ولاية ننغرهار", 34.3, 70.5),
}

# WOF place types whose Arabic name may come from names_ar_all when name_ar is Latin (towns, villages, districts;
# neighbourhoods' alternative names are too often another place's)
WOF_ARABIC_FROM_ALL = {"locality", "county", "localadmin"}

# Arabic country names that Natural Earth's single name_ar lacks.
COUNTRY_ALIASES = {
    "SY": ["سورية", "الجمهورية العربية السورية"], "US": ["أمريكا", "أميركا", "الولايات المتحدة الأمريكية",
    "الولايات المتحدة الأميركية"], "GB": ["بريطانيا", "المملكة المتحدة"], "AE": ["الإمارات"],
    "SA": ["المملكة العربية السعودية"], "OM": ["عمان", "عُمان"], "PS": ["الأراضي الفلسطينية"],
    "IE": ["أيرلندا", "ايرلندا"], "CD": ["الكونغو الديمقراطية"], "CZ": ["تشيكيا"], "NL": ["هولندا"],
    "KR": ["كوريا الجنوبية"], "KP": ["كوريا الشمالية"], "CI": ["كوت ديفوار"], "MM": ["بورما"],
    "RU": ["روسيا الاتحادية"], "DE": ["المانيا"], "IR": ["الجمهورية الإسلامية الإيرانية"],
    "MA": ["المملكة المغربية"], "JO": ["المملكة الأردنية"],
    "EG": ["جمهورية مصر العربية"], "IQ": ["جمهورية العراق"], "YE": ["الجمهورية اليمنية"],
    "UA": ["اوكرانيا"], "CN": ["جمهورية الصين الشعبية"], "MK": ["مقدونيا"], "SZ": ["سوازيلاند"],
}

ARABIC_ONLY = re.compile(r"[^\u0621-\u063a\u0641-\u064a\u064b-\u065f\u0670\u0671-\u06d3\u06fa-\u06ff ]")
ARABIC_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]")
# Generic heads that the resolver reads as words in the text, not as part of a name.
GENERIC_PREFIX = re.compile(r"^(محافظ[ةه]|منطق[ةه]|ناحي[ةه]|مدين[ةه]|ولاي[ةه]|قضاء|مركز|لواء|مديري[ةه]|إقليم|اقليم|بلدي[ةه]|قري[ةه]|بلد[ةه]) ")


def clean_arabic(name: str) -> str:
    if not name or not ARABIC_LETTER.search(name):
        return ""
    return re.sub(r"\s+", " ", ARABIC_ONLY.sub(" ", name)).strip()


class Builder:
    def __init__(self) -> None:
        self.places: list[dict] = []
        self.names: dict[int, set[str]] = defaultdict(set)
        self.by_gn: dict[int, int] = {}

    def add(self, **row) -> int:
        idx = len(self.places)
        row.setdefault("population", 0)
        self.places.append(row)
        if row.get("geonameid"):
            self.by_gn.setdefault(row["geonameid"], idx)
        return idx

    def add_names(self, idx: int, names) -> None:
        for n in names:
            n = clean_arabic(n)
            if not n:
                continue
            stripped = GENERIC_PREFIX.sub("", n)
            # "محافظة حماة" is read as head word + name by the resolver: index the name only
            self.names[idx].add(stripped if len(stripped) > 2 else n)


def read_tsv(path: Path):
    with path.open(encoding="utf-8") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def num(s, cast=float, default=0):
    try:
        return cast(s)
    except (TypeError, ValueError):
        return default


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def build(data: Path, out: Path, features_tsv: Path) -> dict:
    b = Builder()
    gn = data / "geonames"

    # Countries: countryInfo (english, population, capital) + NE 50m (arabic, label point).
    country_info = {}
    for line in (gn / "countryInfo.txt").open(encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(f) < 17:
            continue
        country_info[f[0]] = {"name": f[4], "capital": f[5].strip(), "population": num(f[7], int),
                              "geonameid": num(f[16], int, None)}
    ne = json.loads((data / "naturalearth" / "ne_50m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    ne_by_iso = {}
    for feat in ne["features"]:
        p = feat["properties"]
        iso = p.get("iso_a2_eh") if p.get("iso_a2") in (None, "-99") else p["iso_a2"]
        if iso and iso != "-99":
            ne_by_iso.setdefault(iso, p)
    country_idx = {}
    for iso, ci in country_info.items():
        p = ne_by_iso.get(iso)
        if p is None:
            continue  # no coordinate for this territory anywhere in the data
        idx = b.add(name_en=ci["name"], name_ar=clean_arabic(p.get("name_ar") or ""), lat=p["label_y"],
                    lon=p["label_x"], country=iso, geonameid=ci["geonameid"], fclass="A", fcode="PCLI",
                    population=ci["population"], precision=3, source="naturalearth+geonames",
                    source_id=f"country:{iso}")
        country_idx[iso] = idx
        b.add_names(idx, [p.get("name_ar") or ""] + COUNTRY_ALIASES.get(iso, []))

    # Admin-1 for the whole world (geonames names); MENA ones get WOF/OpenSyria arabic + coordinates below.
    admin1_by_code = {}
    admin1_by_gn = {}
    for line in (gn / "admin1CodesASCII.txt").open(encoding="utf-8"):
        code, name, ascii_name, gid = line.rstrip("\n").split("\t")
        cc = code.split(".")[0]
        if cc not in country_idx:
            continue
        c = b.places[country_idx[cc]]
        idx = b.add(name_en=name, name_ar="", lat=c["lat"], lon=c["lon"], country=cc, admin1=name,
                    geonameid=int(gid), fclass="A", fcode="ADM1", precision=3, source="geonames",
                    source_id=f"gn:{gid}", coord="country label point")
        admin1_by_code[code] = idx
        admin1_by_gn[int(gid)] = idx
        if code in WORLD_REGIONS:
            names, lat, lon = WORLD_REGIONS[code]
            b.places[idx].update(name_ar=names.split("|")[0], lat=lat, lon=lon, coord="published label point")
            b.add_names(idx, names.split("|"))
    ne1 = json.loads((data / "naturalearth" / "ne_10m_admin_1_label_points_mena.geojson").read_text(encoding="utf-8"))
    ne1_points = defaultdict(list)
    for feat in ne1["features"]:
        p = feat["properties"]
        lon, lat = feat["geometry"]["coordinates"]
        ne1_points[p.get("iso_a2")].append((p["name"].lower(), lat, lon))
    for code, idx in admin1_by_code.items():
        row = b.places[idx]
        for name, lat, lon in ne1_points.get(row["country"], []):
            if name == row["name_en"].lower():
                row.update(lat=lat, lon=lon, coord="natural earth admin-1 label point")

    # Syria admin units: OpenSyria (arabic + english + centroid).
    osy = data / "opensyria-geography"
    gov_by_id = {}
    for g in json.loads((osy / "governorates.json").read_text(encoding="utf-8")):
        gid = num(g["externalIds"].get("geonames"), int, None)
        idx = admin1_by_gn.get(gid)
        fields = dict(name_en=g["name"]["en"], name_ar=g["name"]["ar"], lat=g["centroid"]["latitude"],
                      lon=g["centroid"]["longitude"], country="SY", admin1=g["name"]["en"], geonameid=gid,
                      fclass="A", fcode="ADM1", precision=3, population=num((g.get("population") or {}).get("value"), int),
                      source="opensyria", source_id=f"osy:{g['id']}", coord="opensyria centroid")
        if idx is None:
            idx = b.add(**fields)
        else:
            b.places[idx].update(fields)
        gov_by_id[g["id"]] = idx
        b.add_names(idx, [g["name"]["ar"]] + [a["value"] for a in g["aliases"] if a["language"] == "ar"])
    district_by_id = {}
    for level, fname, fcode in (("district", "districts.json", "ADM2"), ("subdistrict", "subdistricts.json", "ADM3")):
        for d in json.loads((osy / fname).read_text(encoding="utf-8")):
            gov = b.places[gov_by_id[d["governorateId"]]]
            admin2 = b.places[district_by_id[d["districtId"]]]["name_en"] if level == "subdistrict" else d["name"]["en"]
            idx = b.add(name_en=d["name"]["en"], name_ar=d["name"]["ar"], lat=d["centroid"]["latitude"],
                        lon=d["centroid"]["longitude"], country="SY", admin1=gov["name_en"], admin2=admin2,
                        geonameid=num(d["externalIds"].get("geonames"), int, None), fclass="A", fcode=fcode,
                        precision=2, population=num((d.get("population") or {}).get("value"), int),
                        source="opensyria", source_id=f"osy:{d['id']}", coord="opensyria centroid")
            if level == "district":
                district_by_id[d["id"]] = idx
            # "مركز X" subdistricts share the town's name: index them only under their full name.
            aliases = [a["value"] for a in d["aliases"] if a["language"] == "ar"]
            b.add_names(idx, [n for n in [d["name"]["ar"]] + aliases if not n.startswith(("مركز", "ناحية مركز"))])

    # cities500 (MENA): population and arabic alternate names, keyed by geonameid for merging.
    c500 = {int(r["geonameid"]): r for r in read_tsv(gn / "cities500_mena.tsv")}
    fcode15 = {}
    for line in (gn / "cities15000_mena.txt").open(encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        fcode15[int(f[0])] = f[7]

    # WOF: regions/counties/localities with arabic names.
    wof_region = {}
    for path in sorted((data / "wof-mena").glob("wof_*.tsv")):
        rows = list(read_tsv(path))
        for r in rows:
            cc = r["country"]
            pt = r["placetype"]
            if cc not in country_idx or pt == "country":
                if pt == "country" and cc in country_idx:
                    b.add_names(country_idx[cc], [r["name_ar"]] + [n for n in r["names_ar_all"].split("|")
                                                                   if n not in ("الشام",)])
                continue
            if cc == "SY" and pt in ("region", "county"):
                continue  # OpenSyria covers Syria's admin units
            names = [r["name_ar"]] + r["names_ar_all"].split("|")
            gid = num(r["gn_id"], int, None) or None
            lat, lon = num(r["latitude"]), num(r["longitude"])
            if pt == "region":
                idx = admin1_by_gn.get(gid) if gid else None
                fields = dict(name_en=r["name"], name_ar=clean_arabic(r["name_ar"]), lat=lat, lon=lon,
                              country=cc, admin1=r["name"], fclass="A", fcode="ADM1", precision=3,
                              population=num(r["gn_population"], int), source="wof",
                              source_id=f"wof:{r['wof_id']}", coord="wof label centroid")
                if idx is None:
                    idx = b.add(geonameid=gid, **fields)
                else:
                    b.places[idx].update(fields)
                wof_region[(cc, r["name"])] = idx
                b.add_names(idx, names)
                continue
            # some rows carry a Latin name_ar and their Arabic names only among names_ar_all ("Siqbā" is سقبا):
            # a locality or district takes the first of those, unless cities500 has the place (its row stays, so
            # that the gold's source ids do not change); any other place type is left out without one
            name_ar = clean_arabic(r["name_ar"])
            if not name_ar and pt in WOF_ARABIC_FROM_ALL and not (gid and gid in c500):
                name_ar = next((clean_arabic(n) for n in names if clean_arabic(n)), "")
            if not name_ar:
                continue
            if pt == "county":
                fclass, fcode, precision = "A", "ADM2", 2
            elif pt == "campus":
                fclass, fcode, precision = "S", "AIRP" if "airport" in r["name"].lower() else "BLDG", 1
            else:
                fclass, fcode, precision = "P", r["gn_feature_code"] or ("PPLX" if pt in ("neighbourhood", "microhood") else "PPL"), 1
            pop = num(r["gn_population"], int)
            c = c500.pop(gid, None) if gid else None
            if c is not None:
                pop = max(pop, num(c["population"], int))
                names += c["alternatenames"].split(",")
            if gid in fcode15:
                fcode = fcode15[gid]
            region = r["region"] or None
            county = r["county"] or None
            name_en = r["name"]
            if ARABIC_LETTER.search(name_en):
                latin = [n for n in r["names_en_variants"].split("|") if n and not ARABIC_LETTER.search(n)]
                name_en = c["name"] if c is not None else (latin[0] if latin else name_en)
            idx = b.add(name_en=name_en, name_ar=name_ar, lat=lat, lon=lon, country=cc,
                        admin1=region, admin2=county, geonameid=gid, fclass=fclass, fcode=fcode,
                        population=pop, precision=precision, source="wof", source_id=f"wof:{r['wof_id']}",
                        coord="wof label centroid", region_key=(cc, region))
            b.add_names(idx, names)

    # cities500 rows that WOF lacks.
    for gid, r in c500.items():
        cc = r["country_code"]
        a1 = admin1_by_code.get(f"{cc}.{r['admin1_code']}")
        names = [n for n in r["alternatenames"].split(",") if clean_arabic(n)]
        if not names or cc not in country_idx:
            continue
        idx = b.add(name_en=r["name"], name_ar=clean_arabic(names[0]), lat=num(r["latitude"]), lon=num(r["longitude"]),
                    country=cc, admin1=b.places[a1]["name_en"] if a1 is not None else None, geonameid=gid,
                    fclass="P", fcode=fcode15.get(gid, "PPL"), population=num(r["population"], int), precision=1,
                    source="geonames", source_id=f"gn:{gid}", coord="geonames")
        b.add_names(idx, names)

    # Sudan: OCHA admin points, then OSM populated places not already known.
    ocha = json.loads((data / "hotosm-sdn" / "sdn_adminpoints_ocha.geojson").read_text(encoding="utf-8"))
    ocha_localities = []
    sd_rows = [i for i, p in enumerate(b.places) if p["country"] == "SD"]
    for feat in ocha["features"]:
        p = feat["properties"]
        level = p["admin_level"]
        if level == 0:
            continue
        lon, lat = feat["geometry"]["coordinates"]
        name_ar = clean_arabic(p.get("name1") or "")
        if level == 1:
            match = [i for i in sd_rows if b.places[i]["fcode"] == "ADM1"
                     and b.places[i].get("name_ar") and fold_key(name_key(b.places[i]["name_ar"])) == fold_key(name_key(name_ar))]
            if match:
                b.add_names(match[0], [name_ar])
                continue
        idx = b.add(name_en=p["name"], name_ar=name_ar, lat=lat, lon=lon, country="SD", admin1=p.get("adm1_name"),
                    admin2=p.get("adm2_name") if level == 2 else None, fclass="A", fcode=f"ADM{level}",
                    precision=3 if level == 1 else 2, source="ocha", source_id=f"ocha:{p.get(f'adm{level}_pcode')}",
                    coord="ocha admin point")
        b.add_names(idx, [name_ar])
        if level == 2:
            ocha_localities.append((lat, lon, p.get("adm1_name"), p.get("adm2_name")))
    known_sd = defaultdict(list)
    for i in sd_rows:
        for n in b.names.get(i, ()):
            known_sd[name_key(n)].append(i)
    osm_rank = {"city": ("PPLA2", 100000), "town": ("PPL", 10000), "village": ("PPL", 1000),
                "hamlet": ("PPL", 100), "isolated_dwelling": ("PPL", 10)}
    for r in read_tsv(data / "hotosm-sdn" / "hotosm_sdn_populated_places_named.tsv"):
        name_ar = clean_arabic(r["name_ar"]) or clean_arabic(r["name"])
        if not name_ar or r["place"] not in osm_rank:
            continue
        lat, lon = num(r["latitude"]), num(r["longitude"])
        if any(haversine_km(lat, lon, b.places[i]["lat"], b.places[i]["lon"]) < 5 for i in known_sd.get(name_key(name_ar), ())):
            continue
        near = min(ocha_localities, key=lambda o: (o[0] - lat) ** 2 + (o[1] - lon) ** 2)
        fcode, default_pop = osm_rank[r["place"]]
        idx = b.add(name_en=r["name_en"] or r["name"], name_ar=name_ar, lat=lat, lon=lon, country="SD",
                    admin1=near[2], admin2=near[3], fclass="P", fcode=fcode,
                    population=num(r["population"], int) or default_pop // 10, precision=1, source="osm",
                    source_id=f"osm:{r['osm_type'][0]}{r['osm_id']}", coord="openstreetmap point")
        b.add_names(idx, {r["name_ar"], r["name"]})

    # Key world capitals / cities outside the MENA data.
    for iso, names, name_en, lat, lon, fcode in WORLD_CITIES:
        idx = b.add(name_en=name_en, name_ar=names.split("|")[0], lat=lat, lon=lon, country=iso, fclass="P",
                    fcode=fcode, population=1_000_000, precision=1, source="curated",
                    source_id=f"city:{name_en}", coord="published city centre")
        b.add_names(idx, names.split("|"))

    # Curated natural features, crossings, bases.
    for r in read_tsv(features_tsv):
        names = [r["name_ar"]] + [n for n in r["aliases_ar"].split("|") if n]
        idx = b.add(name_en=r["name_en"], name_ar=r["name_ar"], lat=float(r["lat"]), lon=float(r["lon"]),
                    country=r["country"], admin1=r["admin1"] or None, fclass=r["feature_class"],
                    fcode=r["feature_code"], precision=int(r["precision"]), population=0, source="curated",
                    source_id=f"nf:{r['name_en']}", coord=r["coord_method"])
        b.add_names(idx, names)

    # Admin-1 display names: localities carry WOF region names; use the admin-1 row's english name.
    region_name = {k: b.places[i]["name_en"] for k, i in wof_region.items()}
    for p in b.places:
        key = p.pop("region_key", None)
        if key and key in region_name:
            p["admin1"] = region_name[key]
        if p["country"] == "SY" and p.get("admin1"):
            p["admin1"] = SY_WOF_REGION.get(p["admin1"], p["admin1"])

    fill_missing_admin(b.places)
    return write(b, out)


def fill_missing_admin(places: list[dict]) -> None:
    """Some WOF localities lack a region: take admin-1/2 from the nearest same-country locality that has one."""
    cell = defaultdict(list)
    for p in places:
        if p["fclass"] == "P" and p.get("admin1"):
            cell[(p["country"], round(p["lat"] * 4), round(p["lon"] * 4))].append(p)
    for p in places:
        if p["fclass"] != "P" or p.get("admin1"):
            continue
        cy, cx = round(p["lat"] * 4), round(p["lon"] * 4)
        near = [q for dy in (-1, 0, 1) for dx in (-1, 0, 1) for q in cell.get((p["country"], cy + dy, cx + dx), ())]
        if near:
            q = min(near, key=lambda q: (q["lat"] - p["lat"]) ** 2 + (q["lon"] - p["lon"]) ** 2)
            p["admin1"], p["admin2"] = q["admin1"], p.get("admin2") or q.get("admin2")


# WOF spells Syria's governorates differently from OpenSyria; one spelling on output.
SY_WOF_REGION = {"Lattakia": "Latakia", "Ar Raqqah": "Raqqa", "Hamah": "Hama", "Homs (Hims)": "Homs",
                 "Hasaka (Al Haksa)": "Al-Hasakah", "Days Az Zawr": "Deir ez-Zor", "As Suwayda'": "As-Suwayda",
                 "Dar`a": "Daraa", "Hama": "Hama"}


def write(b: Builder, out: Path) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript(SCHEMA)
    keys: dict[str, set[int]] = defaultdict(set)
    folded: dict[str, set[int]] = defaultdict(set)
    rows = []
    for idx, p in enumerate(b.places):
        rows.append((idx, p["name_en"], p.get("name_ar") or "", round(p["lat"], 5), round(p["lon"], 5), p["country"],
                     p.get("admin1"), p.get("admin2"), p.get("geonameid"), p.get("fclass"), p.get("fcode"),
                     int(p.get("population") or 0), p["precision"], p["source"], p["source_id"], p.get("coord", "")))
        for n in b.names.get(idx, ()):
            k = name_key(n)
            if len(k.replace(" ", "")) < 2:
                continue
            keys[k].add(idx)
            folded[fold_key(k)].add(idx)
    con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    index_text = "\n".join(f"{k}\t{','.join(map(str, sorted(v)))}" for k, v in sorted(keys.items()))
    folded_text = "\n".join(f"{k}\t{','.join(map(str, sorted(v)))}" for k, v in sorted(folded.items()))
    con.execute("INSERT INTO blob VALUES ('names', ?)", (index_text,))
    con.execute("INSERT INTO blob VALUES ('folded', ?)", (folded_text,))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(out)
    return {"places": len(rows), "name_keys": len(keys), "folded_keys": folded_text.count("\n") + 1,
            "size_mb": round(out.stat().st_size / 1e6, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "src" / "rasd" / "resources" / "gazetteer.sqlite")
    ap.add_argument("--features", type=Path, default=REPO / "src" / "rasd" / "resources" / "natural_features.tsv")
    args = ap.parse_args(argv)
    t0 = time.time()
    stats = build(args.data, args.out, args.features)
    print(json.dumps({**stats, "seconds": round(time.time() - t0, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
