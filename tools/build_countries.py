"""Build src/rasd/resources/countries.tsv (ISO codes, English name, ACLED region) from GeoNames countryInfo.txt.

Usage: python tools/build_countries.py [--data ../shared/data]
GeoNames data is CC BY 4.0 (see DATA_LICENSES.md).  ACLED regions are assigned here for
the Middle East and North Africa and by continent elsewhere.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACLED_REGION = {
    **dict.fromkeys("SY IQ YE LB JO PS IL SA AE OM KW QA BH IR TR".split(), "Middle East"),
    **dict.fromkeys("EG LY TN DZ MA EH SD".split(), "Northern Africa"),
    **dict.fromkeys("SO DJ ER ET SS KE UG TZ RW BI KM".split(), "Eastern Africa"),
    **dict.fromkeys("CY GE AM AZ".split(), "Caucasus and Central Asia"),
}
CONTINENT_REGION = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
                    "OC": "Oceania", "AN": "Antarctica"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    rows = []
    with open(Path(args.data) / "geonames" / "countryInfo.txt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            iso2, iso3, numeric, name, continent = f[0], f[1], f[2], f[4], f[8]
            rows.append((iso2, iso3, int(numeric), name, ACLED_REGION.get(iso2, CONTINENT_REGION.get(continent, ""))))
    out = ROOT / "src" / "rasd" / "resources" / "countries.tsv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["iso2", "iso3", "iso_numeric", "name", "acled_region"])
        w.writerows(sorted(rows))
    print(f"wrote {len(rows)} countries to {out}")


if __name__ == "__main__":
    main()
