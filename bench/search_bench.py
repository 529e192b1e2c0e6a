"""Search benchmark on PostgreSQL with a synthetic million claims (not a test; run by hand).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsbase_i6 \\
        .venv/bin/python bench/search_bench.py [--claims 1000000] [--rebuild]

It creates (once) a separate database, ``<name>_bench`` next to the one DATABASE_URL names,
migrates it, fills it with generate_series (locations, actors with aliases, events, and a
million claims whose words have known frequencies), then times the search service through
the ORM exactly as the /search/ page, the API and the admin call it, and prints p50/p95/p99
and EXPLAIN ANALYZE of the claim query for each kind of term. Self-contained: it needs only
the project and a PostgreSQL server. Results and excerpts are recorded in docs/search.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Terms and how often they occur in the synthetic claims (set by the generator below).
TERMS = [
    ("rare word (10 claims)", "zamboni"),
    ("uncommon word (0.1% = 1,000 claims)", "armistice"),
    ("medium word (0.3% = 3,000 claims)", "truce"),
    ("medium word (1% = 10,000 claims)", "ceasefire"),
    ("very common word (60% of claims)", "attack"),
    ("two common words", "attack statement"),
    ("speaker name (~8% of claims)", "Putin"),
    ("misspelt speaker name (trigram)", "Zelenskiy"),
    ("stop word only", "the"),
    ("no match", "qqqzzzxxy"),
]


def bench_url(base: str, suffix: str) -> tuple[str, str]:
    parts = urlsplit(base)
    name = parts.path.lstrip("/") + suffix
    return urlunsplit(parts._replace(path="/" + name)), name


def ensure_database(base_url: str, name: str, rebuild: bool) -> bool:
    """Create the bench database if needed; True when it was (re)created."""
    import psycopg2

    parts = urlsplit(base_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and rebuild:
            cursor.execute(f'DROP DATABASE "{name}"')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return not exists


GENERATE_SQL = """
SET CONSTRAINTS ALL IMMEDIATE;  -- no deferred FK checks pending when triggers are toggled
SELECT setseed(0.42);
-- 600 places in a three-level hierarchy.
INSERT INTO events_location (created_at, updated_at, status, first_published_at, public_note,
    slug, name, kind, description, address, timezone, parent_id)
SELECT now(), now(), 'published', now(), '', 'bench-place-' || g,
    'Place ' || translate(g::text, '0123456789', 'abcdefghij'), 'city', '', '', 'UTC', NULL
FROM generate_series(1, 600) g;
UPDATE events_location SET parent_id = (SELECT min(id) FROM events_location) + (id % 20)
WHERE id > (SELECT min(id) + 20 FROM events_location);

-- 2,000 speakers; the first two are named, with aliases.
INSERT INTO events_actor (created_at, updated_at, status, first_published_at, public_note,
    slug, name, kind, description, website)
SELECT now(), now(), 'published', now(), '', 'bench-actor-' || g,
    CASE g WHEN 1 THEN 'Vladimir Putin' WHEN 2 THEN 'Volodymyr Zelensky'
        ELSE 'Speaker ' || translate(g::text, '0123456789', 'klmnopqrst') END,
    'person', 'A synthetic speaker.', ''
FROM generate_series(1, 2000) g;
INSERT INTO events_actoralias (created_at, updated_at, actor_id, name, language, script,
    is_abbreviation)
SELECT now(), now(), a.id, v.alias, v.lang, v.script, false
FROM events_actor a JOIN (VALUES
    ('bench-actor-1', 'Владимир Путин', 'ru', 'Cyrl'),
    ('bench-actor-2', 'Zelenskyy', 'en', 'Latn'),
    ('bench-actor-2', 'Володимир Зеленський', 'uk', 'Cyrl')) v(slug, alias, lang, script)
ON a.slug = v.slug;

-- 20,000 events.
INSERT INTO events_event (created_at, updated_at, status, first_published_at, public_note,
    slug, title, summary, event_type, start, start_precision, end_precision, timezone,
    featured, location_id)
SELECT now(), now(), 'published', now(), '', 'bench-event-' || g,
    CASE WHEN g % 3 = 0 THEN 'Attack on ' ELSE 'Meeting in ' END
        || translate(g::text, '0123456789', 'abcdefghij'),
    'A synthetic event.', CASE WHEN g % 3 = 0 THEN 'attack' ELSE 'statement' END,
    timestamp with time zone '2020-01-01' + g * interval '1 hour', 'minute', '', 'UTC', false,
    (SELECT min(id) FROM events_location) + (g % 600)
FROM generate_series(1, 20000) g;

-- A million claims: 60% say "attack", 1% "ceasefire", 0.3% "truce", 0.1% "armistice",
-- 10 say "zamboni"; every claim has
-- eight filler words from a 50,000-word vocabulary. Speakers are skewed (Putin ~8%).
-- The document is computed here in bulk instead of by the per-row trigger.
CREATE TEMP TABLE bench_speaker AS
SELECT row_number() OVER (ORDER BY id) AS rn, id, names,
       setweight(to_tsvector('newsbase', names), 'B') AS vec, newsbase_fold(names) AS folded
FROM (SELECT id, newsbase_actor_names(id) AS names FROM events_actor) a;
ALTER TABLE events_claim DISABLE TRIGGER newsbase_claim_doc;
DROP INDEX IF EXISTS events_claim_search_vector, events_claim_search_names;
INSERT INTO events_claim (created_at, updated_at, status, first_published_at, public_note,
    kind, text, mode, language, made_at, made_precision, venue, assessment, assessment_note,
    figure_metric, figure_value, figure_qualifier, figure_as_of, import_key, speaker_id,
    event_id, search_vector, search_names)
SELECT now(), now(), CASE WHEN x.g % 20 = 0 THEN 'draft' ELSE 'published' END, now(), '',
    'statement', x.text, 'paraphrase', 'en',
    timestamp with time zone '2020-01-01' + x.g * interval '1 minute', 'minute', '',
    'unverified', '', '', NULL, '', NULL, NULL, s.id, x.event_id,
    setweight(to_tsvector('newsbase', x.text), 'A') || s.vec, s.folded
FROM (
    SELECT g,
        concat_ws(' ',
            CASE WHEN g % 10 < 6 THEN 'The attack' END,
            CASE WHEN g % 100 = 7 THEN 'ceasefire' END,
            CASE WHEN g % 100000 = 4321 THEN 'zamboni' END,
            CASE WHEN g % 1000 = 21 THEN 'armistice' END,
            CASE WHEN g % 1000 BETWEEN 11 AND 13 THEN 'truce' END,
            CASE WHEN g % 7 = 0 THEN 'statement' END,
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij'),
            'w' || translate(floor(random() * 50000)::int::text, '0123456789', 'abcdefghij')
        ) AS text,
        1 + least(1999, floor(power(random(), 3) * 2000))::int AS speaker_rn,
        (SELECT min(id) FROM events_event) + (g % 20000) AS event_id
    FROM generate_series(1, %(claims)s) g
) x JOIN bench_speaker s ON s.rn = x.speaker_rn;
ALTER TABLE events_claim ENABLE TRIGGER newsbase_claim_doc;
CREATE INDEX events_claim_search_vector ON events_claim USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_claim_search_names ON events_claim USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);
ANALYZE;
"""


def generate(claims: int) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE_SQL.replace("%(claims)s", str(int(claims))))
        cursor.execute("SELECT count(*) FROM events_claim")
        (count,) = cursor.fetchone()
    print(f"generated {count:,} claims in {time.perf_counter() - started:.0f} s")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def backend_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the PostgreSQL backend serving us (server on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(run, repeat: int, warmup: int, backend_pid: int) -> tuple[list[float], float]:
    """Wall-clock samples (ms) and the mean CPU per run (ms, ours + the backend's).

    CPU time is what a query costs regardless of how busy the machine is; wall time on a
    shared machine includes waiting for a core.
    """
    for _ in range(warmup):
        run()
    samples = []
    cpu_start = time.process_time() + backend_cpu_seconds(backend_pid)
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    cpu = time.process_time() + backend_cpu_seconds(backend_pid) - cpu_start
    return samples, cpu * 1000 / repeat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--repeat", type=int, default=300, help="timed runs per term")
    parser.add_argument("--suffix", default="_bench", help="bench database = <db><suffix>")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    parser.add_argument("--only", choices=["claims", "site"], help="time only one of the two")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL database; the bench uses <name>_bench next to it.")
        return 2
    url, name = bench_url(base, args.suffix)
    created = ensure_database(base, name, args.rebuild)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsbase.settings.dev")

    import django

    django.setup()
    from django.core.management import call_command

    from events.models import Claim
    from events.search import CANDIDATES, search_queryset, search_site

    call_command("migrate", verbosity=0)
    if created or not Claim.objects.exists():
        generate(args.claims)
    total = Claim.objects.count()
    print(f"database {name}: {total:,} claims; candidates ranked per branch: {CANDIDATES}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.repeat} timed runs per term after 10 warm-up runs; times in ms")
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (shared machine: noisy)\n")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend_pid,) = cursor.fetchone()
    header = (
        f"{'term':<36} {'query':<18} {'hits':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
        f" {'cpu/run':>8}"
    )
    for label, call in (
        ("Claim.objects.public().search(q)[:20]", "claims"),
        ("search_site(q) — all five kinds, snippets", "site"),
    ):
        if args.only and args.only != call:
            continue
        print(label)
        print(header)
        for term_label, term in TERMS:
            if call == "claims":

                def run(term=term):
                    return list(search_queryset(Claim.objects.public(), term)[:20])

            else:

                def run(term=term):
                    return search_site(term)

            result = run()
            hits = len(result) if call == "claims" else result.total
            samples, cpu = timed(run, args.repeat, 10, backend_pid)
            print(
                f"{term_label:<36} {term:<18} {hits:>5} "
                f"{percentile(samples, 50):>7.2f} {percentile(samples, 95):>7.2f} "
                f"{percentile(samples, 99):>7.2f} {max(samples):>7.2f} {cpu:>8.2f}"
            )
        print()

    if args.explain:
        for term_label, term in TERMS:
            print(f"EXPLAIN ANALYZE — {term_label}: {term!r}")
            qs = search_queryset(Claim.objects.public(), term)[:20]
            print(qs.explain(analyze=True, buffers=True))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
