"""The one table of what the bench measures: our URL, its floor SQL, Datasette's equivalent.

Placeholders in ``path`` and ``datasette`` (``{event_slug}``, ``{location_slug}``,
``{as_of}``, ``{term_rare}``…) are filled from the targets the generator chose and stored
with the data set (``bench_marker.targets``). The floor SQL takes the same values as named
parameters (``%(slug)s``…, taken from ``floor_params``) and returns one JSON document built
in PostgreSQL: the same rows and fields the endpoint serves, fetched by one hand-written
query. That query is served over HTTP by ``bench/floor_app.py`` (the WSGI floor) and run
alone by pgbench (the DB floor).

When the API's serializers change shape, change the floor SQL here so that the two keep
serving the same fields; the harness compares their JSON keys and row identities in every
run and reports any difference beside the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Targets by kind, from the issue: list ≤ 2× floor, detail and page ≤ 3× floor,
# search p99 ≤ 20 ms (absolute).
FLOOR_RATIO_TARGET = {"list": 2.0, "detail": 3.0, "page": 3.0}
SEARCH_P99_TARGET_MS = 20.0
GROWTH_TARGET = 1.3  # 1m latency ≤ 1.3 × 10k latency


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str  # list | detail | page | search | probe
    path: str  # our URL (a template over the targets)
    floor_sql: str
    floor_params: dict[str, str] = field(default_factory=dict)  # SQL param -> target name
    datasette: str | None = None  # Datasette's equivalent (a template), if it has one
    datasette_note: str = ""
    json: bool = True  # whether our response is JSON (the page is HTML)
    default: bool = True  # measured in a full run unless --endpoints names others


# --- Floor SQL ----------------------------------------------------------------------------
# Written against the issue-4 contract; field names follow the API serializers.

_EVENT_ITEM = """json_build_object(
        'slug', e.slug,
        'url', '/api/v1/events/' || e.slug || '/',
        'title', e.title,
        'type', e.event_type,
        'start', e.start,
        'start_precision', e.start_precision,
        'end', e."end",
        'end_precision', e.end_precision,
        'timezone', e.timezone,
        'location', CASE WHEN l.id IS NULL THEN NULL
                    ELSE json_build_object('slug', l.slug, 'name', l.name) END,
        'updated_at', e.updated_at)"""

_EVENT_PAGE = f"""json_build_object(
    'next', CASE WHEN count(*) = 20
                 THEN '/api/v1/events/?cursor=' || to_char(min(e.start), 'YYYYMMDDHH24MISS')
            END,
    'previous', NULL,
    'results', COALESCE(json_agg({_EVENT_ITEM} ORDER BY e.start DESC, e.id DESC), '[]'::json))"""

EVENT_LIST_SQL = f"""
SELECT {_EVENT_PAGE}
FROM (SELECT * FROM events_event WHERE status = 'published'
      ORDER BY start DESC, id DESC LIMIT 20) e
LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
"""

EVENT_LIST_LOCATION_SQL = f"""
WITH RECURSIVE place(id) AS (
    SELECT id FROM events_location WHERE slug = %(location)s AND status = 'published'
    UNION
    SELECT c.id FROM events_location c JOIN place p ON c.parent_id = p.id
)
SELECT {_EVENT_PAGE}
FROM (SELECT * FROM events_event
      WHERE status = 'published' AND location_id IN (SELECT id FROM place)
      ORDER BY start DESC, id DESC LIMIT 20) e
LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
"""

EVENT_SEARCH_SQL = f"""
SELECT {_EVENT_PAGE}
FROM (SELECT * FROM events_event ev
      WHERE ev.status = 'published'
        AND (ev.title ILIKE '%%' || %(q)s || '%%' OR ev.summary ILIKE '%%' || %(q)s || '%%'
             OR EXISTS (SELECT 1 FROM events_location sl
                        LEFT JOIN events_locationalias sa ON sa.location_id = sl.id
                        WHERE sl.id = ev.location_id
                          AND (sl.name ILIKE '%%' || %(q)s || '%%'
                               OR sa.name ILIKE '%%' || %(q)s || '%%')))
      ORDER BY ev.start DESC, ev.id DESC LIMIT 20) e
LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
"""

EVENT_DETAIL_SQL = """
WITH RECURSIVE ev AS (
    SELECT * FROM events_event WHERE slug = %(slug)s AND status = 'published'
),
ancestry(id, depth) AS (
    SELECT location_id, 0 FROM ev WHERE location_id IS NOT NULL
    UNION ALL
    SELECT l.parent_id, a.depth + 1 FROM ancestry a JOIN events_location l ON l.id = a.id
    WHERE l.parent_id IS NOT NULL
),
cl AS MATERIALIZED (
    SELECT c.* FROM events_claim c JOIN ev ON c.event_id = ev.id WHERE c.status = 'published'
)
SELECT json_build_object(
    'slug', ev.slug,
    'title', ev.title,
    'summary', ev.summary,
    'type', ev.event_type,
    'start', ev.start,
    'start_precision', ev.start_precision,
    'end', ev."end",
    'end_precision', ev.end_precision,
    'timezone', ev.timezone,
    'updated_at', ev.updated_at,
    'location', (
        SELECT json_build_object(
            'slug', l.slug, 'name', l.name, 'kind', l.kind,
            'latitude', l.latitude, 'longitude', l.longitude,
            'ancestors', (
                SELECT COALESCE(json_agg(json_build_object(
                    'slug', p.slug, 'name', p.name, 'kind', p.kind) ORDER BY a.depth), '[]')
                FROM ancestry a JOIN events_location p ON p.id = a.id WHERE a.depth > 0))
        FROM events_location l WHERE l.id = ev.location_id AND l.status = 'published'),
    'parent', (SELECT json_build_object('slug', p.slug, 'title', p.title)
               FROM events_event p WHERE p.id = ev.parent_id AND p.status = 'published'),
    'participants', (
        SELECT COALESCE(json_agg(json_build_object(
            'actor', json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind),
            'role', p.role,
            'source', s.slug) ORDER BY p.role, a.name), '[]')
        FROM events_participation p
        JOIN events_actor a ON a.id = p.actor_id AND a.status = 'published'
        JOIN events_article s ON s.id = p.source_id
        WHERE p.event_id = ev.id),
    'claims', (
        SELECT COALESCE(json_agg(json_build_object(
            'id', c.id,
            'kind', c.kind,
            'text', c.text,
            'mode', c.mode,
            'made_at', c.made_at,
            'assessment', c.assessment,
            'speaker', json_build_object('slug', sp.slug, 'name', sp.name),
            'figure', CASE WHEN c.kind = 'figure' THEN json_build_object(
                'metric', c.figure_metric, 'value', c.figure_value,
                'qualifier', c.figure_qualifier, 'as_of', c.figure_as_of) END,
            'sources', (
                SELECT COALESCE(json_agg(json_build_object(
                    'article', json_build_object(
                        'slug', ar.slug, 'headline', ar.headline,
                        'published_on', ar.published_on),
                    'passage', cs.passage) ORDER BY ar.published_on, ar.id), '[]')
                FROM events_claimsource cs
                JOIN events_article ar ON ar.id = cs.article_id AND ar.status = 'published'
                WHERE cs.claim_id = c.id),
            'contradicted_by', (
                SELECT COALESCE(json_agg(r.from_claim_id ORDER BY r.from_claim_id), '[]')
                FROM events_claimrelation r JOIN cl c2 ON c2.id = r.from_claim_id
                WHERE r.to_claim_id = c.id AND r.kind = 'contradicts')
        ) ORDER BY c.made_at, c.id), '[]')
        FROM cl c JOIN events_actor sp ON sp.id = c.speaker_id),
    'figures', (
        SELECT COALESCE(json_object_agg(s.metric, s.body), '{}')
        FROM (
            SELECT f.figure_metric AS metric, json_build_object(
                'series', json_agg(json_build_object(
                    'id', f.id, 'value', f.figure_value, 'qualifier', f.figure_qualifier,
                    'as_of', f.figure_as_of, 'assessment', f.assessment)
                    ORDER BY f.figure_as_of, f.made_at, f.id),
                'best', (
                    SELECT b.id FROM cl b
                    WHERE b.kind = 'figure' AND b.figure_metric = f.figure_metric
                      AND b.assessment IN ('confirmed', 'corroborated', 'unverified')
                    ORDER BY array_position(
                                 ARRAY['confirmed', 'corroborated', 'unverified']::varchar[],
                                 b.assessment),
                             b.figure_as_of DESC, b.made_at DESC, b.id DESC
                    LIMIT 1)) AS body
            FROM cl f WHERE f.kind = 'figure' GROUP BY f.figure_metric) s),
    'children', (
        SELECT COALESCE(json_agg(json_build_object('slug', ch.slug, 'title', ch.title,
                                                   'start', ch.start) ORDER BY ch.start), '[]')
        FROM events_event ch WHERE ch.parent_id = ev.id AND ch.status = 'published'),
    'related', (
        SELECT COALESCE(json_agg(json_build_object(
            'kind', r.kind, 'slug', t.slug, 'title', t.title) ORDER BY r.id), '[]')
        FROM events_eventrelation r
        JOIN events_event t ON t.id = r.target_id AND t.status = 'published'
        WHERE r.source_id = ev.id)
)
FROM ev
"""

CLAIMS_AS_OF_SQL = """
SELECT json_build_object(
    'next', CASE WHEN count(*) = 20 THEN '/api/v1/claims/?cursor=' || max(c.id) END,
    'previous', NULL,
    'results', COALESCE(json_agg(json_build_object(
        'id', c.id,
        'url', '/api/v1/claims/' || c.id || '/',
        'event', json_build_object('slug', e.slug, 'title', e.title),
        'speaker', json_build_object('slug', sp.slug, 'name', sp.name),
        'kind', c.kind,
        'text', c.text,
        'mode', c.mode,
        'made_at', c.made_at,
        'assessment', c.assessment,
        'figure', CASE WHEN c.kind = 'figure' THEN json_build_object(
            'metric', c.figure_metric, 'value', c.figure_value,
            'qualifier', c.figure_qualifier, 'as_of', c.figure_as_of) END,
        'updated_at', c.updated_at) ORDER BY c.made_at, c.id), '[]'::json))
FROM (SELECT c.* FROM events_claim c JOIN events_event ev ON ev.id = c.event_id
      WHERE c.status = 'published' AND ev.status = 'published'
        AND c.made_at < (%(as_of)s::date + 1)::timestamptz
      ORDER BY c.made_at, c.id LIMIT 20) c
JOIN events_event e ON e.id = c.event_id
JOIN events_actor sp ON sp.id = c.speaker_id
"""

HEALTHZ_SQL = (
    "SELECT json_build_object('status', 'ok', 'database', (SELECT 'ok' FROM (SELECT 1) x))"
)

# --- Datasette equivalents -----------------------------------------------------------------
# Datasette serves the same published rows exported to SQLite (bench/datasette.py). Its
# table API has no nesting, so its "row" is the flat event row: a lighter response than ours.
_DS_LIST = "/bench/events.json?_shape=objects&_size=20&_sort_desc=start&_nocount=1&_nofacet=1"
_DS_SEARCH = (
    "/bench/events.json?_shape=objects&_size=20&_search={term}&_sort_desc=start"
    "&_nocount=1&_nofacet=1"
)

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        name="event-list",
        kind="list",
        path="/api/v1/events/",
        floor_sql=EVENT_LIST_SQL,
        datasette=_DS_LIST,
    ),
    Endpoint(
        name="event-list-location",
        kind="list",
        path="/api/v1/events/?location={location_slug}",
        floor_sql=EVENT_LIST_LOCATION_SQL,
        floor_params={"location": "location_slug"},
        datasette=(
            "/bench/events.json?_shape=objects&_size=20&_sort_desc=start&_nocount=1"
            "&_nofacet=1&_where=location_id+in+(select+id+from+place_tree+where+root="
            "{location_id})"
        ),
        datasette_note="descendants precomputed in a place_tree table",
    ),
    Endpoint(
        name="event-detail",
        kind="detail",
        path="/api/v1/events/{event_slug}/",
        floor_sql=EVENT_DETAIL_SQL,
        floor_params={"slug": "event_slug"},
        datasette="/bench/events/{event_id}.json?_shape=objects",
        datasette_note="flat row, no nesting",
    ),
    Endpoint(
        name="claims-as-of",
        kind="list",
        path="/api/v1/claims/?as_of={as_of}",
        floor_sql=CLAIMS_AS_OF_SQL,
        floor_params={"as_of": "as_of"},
        datasette=(
            "/bench/claims.json?_shape=objects&_size=20&_sort=made_at&made_at__lt={as_of_next}"
            "&_nocount=1&_nofacet=1"
        ),
    ),
    *(
        Endpoint(
            name=f"search-{rarity}",
            kind="search",
            path=f"/api/v1/events/?q={{term_{rarity}}}",
            floor_sql=EVENT_SEARCH_SQL,
            floor_params={"q": f"term_{rarity}"},
            datasette=_DS_SEARCH.replace("{term}", f"{{term_{rarity}}}"),
            datasette_note="SQLite FTS5",
        )
        for rarity in ("rare", "medium", "common")
    ),
    Endpoint(
        name="event-page",
        kind="page",
        path="/events/{event_slug}/",
        floor_sql=EVENT_DETAIL_SQL,
        floor_params={"slug": "event_slug"},
        json=False,
    ),
    Endpoint(
        name="healthz",
        kind="probe",
        path="/healthz",
        floor_sql=HEALTHZ_SQL,
        default=False,
    ),
]

BY_NAME = {e.name: e for e in ENDPOINTS}
