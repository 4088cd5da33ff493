"""Countries by ISO 3166-1 alpha-2 code: ISO3, numeric code, English name and ACLED region (countries.tsv)."""
from __future__ import annotations

import csv
from dataclasses import dataclass

from rasd.resources import data_path, shared


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    iso_numeric: str
    name: str
    acled_region: str


@shared
def countries() -> dict[str, Country]:
    with open(data_path("countries.tsv"), encoding="utf-8") as handle:
        return {row["iso2"]: Country(**row) for row in csv.DictReader(handle, delimiter="\t")}


def country_name(iso2: str | None) -> str:
    """The English name of a country code; the code itself if unknown, "Unknown" for none."""
    if not iso2:
        return "Unknown"
    known = countries().get(iso2)
    return known.name if known else iso2
