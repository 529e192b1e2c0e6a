"""The one table of what the bench measures: our URL, its floor SQL, Datasette's equivalent.

Placeholders in ``path`` and ``datasette`` (``{event_slug}``, ``{location_slug}``,
``{as_of}``, ``{term_rare}``…) are filled from the targets the generator chose and stored
with the data set (``bench_marker.targets``). The floor SQL takes the same values as named
parameters (``%(slug)s``…, taken from ``floor_params``) and returns one JSON document built
in PostgreSQL: the same rows and fields the endpoint serves, fetched by one hand-written
query. That query is served over HTTP by ``bench/floor_app.py`` (the WSGI floor) and run
alone by pgbench (the DB floor).

When the API's shapes change (events/api/render.py), change the floor SQL here so the two keep
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
# Issue 11 (rendered once, cached): warm = the rendered-document cache on, cold = off.
WARM_PEER_FACTOR = 2.0  # warm req/s at the highest concurrency ≥ 2 × Datasette's
WARM_BYTES_RATIO_TARGET = 3.0  # warm p50 at c=1 ≤ 3 × the bytes floor's
COLD_FLOOR_RATIO_TARGET = 2.0  # cold p50 and req/s within 2 × the WSGI floor's
NOT_MODIFIED_FRACTION = 0.1  # a 304 costs < 1/10 of a full (cold) response


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
# Written to serve what the API's renderers (events/api/render.py) serve: the same
# fields, nested objects and rows, with absolute URLs built from %(base)s (the floor app
# passes the request's own scheme and host, as DRF's build_absolute_uri does).

_ACTOR_REF = """json_build_object(
        'url', %(base)s || '/api/v1/actors/' || {a}.slug || '/',
        'slug', {a}.slug, 'name', {a}.name, 'kind', {a}.kind)"""

_EVENT_REF = """json_build_object(
        'url', %(base)s || '/api/v1/events/' || {e}.slug || '/',
        'slug', {e}.slug, 'title', {e}.title, 'type', {e}.event_type,
        'start', {e}.start, 'start_precision', {e}.start_precision)"""

_LOCATION_REF = """json_build_object(
        'url', %(base)s || '/api/v1/locations/' || {l}.slug || '/',
        'slug', {l}.slug, 'name', {l}.name, 'kind', {l}.kind,
        'latitude', {l}.latitude, 'longitude', {l}.longitude)"""

_ARTICLE_REF = """json_build_object(
        'api_url', %(base)s || '/api/v1/articles/' || {r}.slug || '/',
        'slug', {r}.slug, 'headline', {r}.headline,
        'original_headline', {r}.original_headline, 'kind', {r}.kind,
        'published_on', {r}.published_on, 'url', {r}.url)"""


def _ref(template: str, **alias: str) -> str:
    return template.format(**alias)


_FIGURE = """CASE WHEN {c}.figure_value IS NULL THEN NULL ELSE json_build_object(
        'metric', {c}.figure_metric, 'value', {c}.figure_value,
        'qualifier', {c}.figure_qualifier, 'as_of', {c}.figure_as_of,
        'as_of_precision', {c}.figure_as_of_precision,
        'display', CASE {c}.figure_qualifier WHEN 'exact' THEN ''
                   WHEN 'at_least' THEN 'at least ' ELSE {c}.figure_qualifier || ' ' END
                   || {c}.figure_value || ' ' || {c}.figure_metric) END"""

_SOURCES = """(SELECT COALESCE(json_agg(json_build_object(
            'article', {article},
            'passage', cs.passage, 'start_offset', cs.start_offset,
            'end_offset', cs.end_offset, 'attributes_speaker', cs.attributes_speaker)
            ORDER BY ar.published_on, cs.id), '[]')
        FROM events_claimsource cs
        JOIN events_article ar ON ar.id = cs.article_id AND ar.status = 'published'
        WHERE cs.claim_id = {c}.id)"""


def _claim_columns(c: str, speaker: str, event: str | None = None) -> str:
    """The keys and values of claim ``c``'s document (its speaker joined as ``speaker``), for
    ``json_build_object``: as the claim list serves it, naming its event (joined as
    ``event``) and with its public note; or, without ``event``, as an event serves it inside,
    with neither (``events.api.render.claim_in_event``; the caller adds the claim's
    relations). The PostgreSQL twin of bench/datasette_queries.py's ``_claim_columns``."""
    in_list = event is not None
    event_column = f"'event', {_ref(_EVENT_REF, e=event)}," if in_list else ""
    note_column = f"'public_note', {c}.public_note," if in_list else ""
    return f"""
        'url', %(base)s || '/api/v1/claims/' || {c}.id || '/',
        'html_url', %(base)s || '/claims/' || {c}.id || '/',
        'id', {c}.id, {event_column}
        'speaker', {_ref(_ACTOR_REF, a=speaker)},
        'kind', {c}.kind, 'text', {c}.text, 'mode', {c}.mode, 'language', {c}.language,
        'made_at', {c}.made_at, 'made_precision', {c}.made_precision, 'venue', {c}.venue,
        'assessment', {c}.assessment, 'assessment_note', {c}.assessment_note,
        'figure', {_FIGURE.format(c=c)},
        'sources', {_SOURCES.format(c=c, article=_ref(_ARTICLE_REF, r="ar"))},
        'status', {c}.status, {note_column}
        'first_published_at', {c}.first_published_at, 'created_at', {c}.created_at,
        'updated_at', {c}.updated_at, 'version', {c}.revision"""


_EVENT_ITEM = f"""json_build_object(
        'url', %(base)s || '/api/v1/events/' || e.slug || '/',
        'html_url', %(base)s || '/events/' || e.slug || '/',
        'slug', e.slug, 'title', e.title, 'summary', e.summary, 'type', e.event_type,
        'start', e.start, 'start_precision', e.start_precision,
        'end', e."end", 'end_precision', e.end_precision, 'timezone', e.timezone,
        'location', CASE WHEN l.id IS NULL THEN NULL ELSE {_ref(_LOCATION_REF, l="l")} END,
        'parent', CASE WHEN p.id IS NULL THEN NULL ELSE {_ref(_EVENT_REF, e="p")} END,
        'featured', e.featured, 'status', e.status, 'public_note', e.public_note,
        'first_published_at', e.first_published_at, 'created_at', e.created_at,
        'updated_at', e.updated_at, 'version', e.revision)"""


#: The API's default order of events: newest first in reading order (events.chronology).
_READING_KEYS = ("reading_at", "reading_rank", "start", "id")


def _cursor(keys: tuple[str, ...], values: list[str], descending: bool) -> str:
    """The API's cursor (events/api/pagination.py) after the row holding ``values``:
    URL-safe base64 of ``{"o": ordering, "v": [values as text], "r": 0}``, so a floor
    link is one our API accepts."""
    sign = "-" if descending else ""
    order = ",".join(f"{sign}{k}" for k in keys)
    text = ", ".join(f"to_json({v}) #>> '{{}}'" for v in values)
    return f"""translate(encode(convert_to(json_build_object(
            'o', '{order}', 'v', json_build_array({text}), 'r', 0)::text, 'UTF8'), 'base64'),
        E'+/\\n', '-_')"""


def _event_page(where: str, link: str, rank: str = "") -> str:
    """A keyset page of events: 21 rows read, 20 served, ``next`` if more.

    Newest first in reading order, or with ``rank`` (a search's relevance, as
    events/search/postgres.py computes it) best first, then in reading order, as ours orders
    ``ordering=relevance``, the default with ``q``. ``link`` is the next page's URL as SQL,
    with ``{cursor}`` where the (URL-encoded) cursor goes.
    """
    keys = ("search_rank", *_READING_KEYS[1:]) if rank else _READING_KEYS
    order = ", ".join(f"{k} DESC" for k in keys)
    cursor = _cursor(keys, [f"max(e.{k}) FILTER (WHERE e.n = 20)" for k in keys], True)
    columns = f"ev.*, ({rank})::float8 AS search_rank" if rank else "ev.*"
    return f"""
WITH page AS (
    SELECT ev.*, row_number() OVER (ORDER BY {order}) AS n
    FROM (SELECT {columns} FROM events_event ev WHERE {where}
          ORDER BY {order} LIMIT 21) ev
)
SELECT json_build_object(
    'next', CASE WHEN count(*) > 20 THEN {link.format(cursor=f"replace({cursor}, '=', '%%3D')")}
            END,
    'previous', NULL,
    'next_cursor', CASE WHEN count(*) > 20 THEN {cursor} END,
    'previous_cursor', NULL,
    'results', COALESCE(json_agg({_EVENT_ITEM} ORDER BY e.n) FILTER (WHERE e.n <= 20),
                        '[]'::json))
FROM page e
LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
LEFT JOIN events_event p ON p.id = e.parent_id AND p.status = 'published'
"""


_CLAIM_REF = """json_build_object(
        'url', %(base)s || '/api/v1/claims/' || {c}.id || '/',
        'id', {c}.id, 'kind', {c}.kind,
        'speaker', CASE WHEN {s}.status = 'published' THEN {speaker} END,
        'text', {c}.text, 'made_at', {c}.made_at, 'assessment', {c}.assessment)"""

_FIGURE_POINT = """json_build_object(
        'claim', %(base)s || '/api/v1/claims/' || {c}.id || '/',
        'id', {c}.id, 'value', {c}.figure_value, 'qualifier', {c}.figure_qualifier,
        'as_of', {c}.figure_as_of, 'as_of_precision', {c}.figure_as_of_precision,
        'display', CASE {c}.figure_qualifier WHEN 'exact' THEN ''
                   WHEN 'at_least' THEN 'at least ' ELSE {c}.figure_qualifier || ' ' END
                   || {c}.figure_value || ' ' || {c}.figure_metric,
        'assessment', {c}.assessment, 'speaker', {speaker}, 'made_at', {c}.made_at)"""

ROLE_LABELS = (
    "('perpetrator', 'Perpetrator'), ('suspected_perpetrator', 'Suspected perpetrator'), "
    "('claimant', 'Claimed responsibility'), "
    "('organiser', 'Organiser or facilitator (alleged)'), ('victim', 'Victim'), "
    "('responder', 'Responder'), ('detaining_authority', 'Detaining authority'), "
    "('detainee', 'Detained or charged'), ('investigator', 'Investigator'), "
    "('court', 'Court'), ('warner', 'Issued a warning'), ('official', 'Official acting'), "
    "('commentator', 'Commentator')"
)
METRIC_ORDER = "ARRAY['killed', 'injured', 'hospitalised', 'missing', 'detained', 'charged']"

# Claims a client may see: the claim, its event and its speaker all published.
_VISIBLE_CLAIM = """{c}.status = 'published'
        AND EXISTS (SELECT 1 FROM events_event ve WHERE ve.id = {c}.event_id
                    AND ve.status = 'published')
        AND EXISTS (SELECT 1 FROM events_actor va WHERE va.id = {c}.speaker_id
                    AND va.status = 'published')"""


def _relation_rows() -> str:
    """Relations of claim ``c`` both ways, to claims the client may see, one row each;
    ours lists them outgoing first, each way by the other claim's ``made_at``."""
    speaker = _ref(_ACTOR_REF, a="os")
    ref = _CLAIM_REF.format(c="o", s="os", speaker=speaker)
    visible = _VISIBLE_CLAIM.format(c="o")
    return f"""
            SELECT 0 AS ord, o.made_at, r.id, r.kind, r.kind::text AS relation,
                   o.id AS other, {ref} AS claim
            FROM events_claimrelation r JOIN events_claim o ON o.id = r.to_claim_id
            JOIN events_actor os ON os.id = o.speaker_id
            WHERE r.from_claim_id = c.id AND {visible}
            UNION ALL
            SELECT 1, o.made_at, r.id, r.kind, CASE r.kind WHEN 'supports' THEN 'supported_by'
                       WHEN 'contradicts' THEN 'contradicted_by' ELSE 'updated_by' END,
                   o.id, {ref}
            FROM events_claimrelation r JOIN events_claim o ON o.id = r.from_claim_id
            JOIN events_actor os ON os.id = o.speaker_id
            WHERE r.to_claim_id = c.id AND {visible}"""


_RELATED_CLAIMS = f"""(SELECT COALESCE(json_agg(json_build_object(
                'relation', rel.relation, 'claim', rel.claim)
                ORDER BY rel.ord, rel.made_at, rel.id), '[]')
            FROM ({_relation_rows()}) rel)"""
_CONTRADICTING_CLAIMS = f"""(
            SELECT COALESCE(json_agg(x.claim ORDER BY x.ord, x.made_at, x.id), '[]')
            FROM (SELECT DISTINCT ON (rel.other) rel.* FROM ({_relation_rows()}) rel
                  WHERE rel.kind = 'contradicts'
                  ORDER BY rel.other, rel.ord, rel.made_at, rel.id) x)"""

# The corrections logged on one object (events/reads/common.py), newest first.
_CORRECTIONS = """(
        SELECT COALESCE(json_agg(json_build_object(
            'kind', k.kind, 'note', k.note, 'created_at', k.created_at)
            ORDER BY k.created_at DESC), '[]')
        FROM (SELECT k.* FROM events_correction k
              JOIN django_content_type t ON t.id = k.content_type_id
              WHERE t.app_label = 'events' AND t.model = '{model}' AND k.object_id = {id}
              ORDER BY k.created_at DESC LIMIT 200) k)"""

EVENT_DETAIL_SQL = f"""
WITH RECURSIVE ev AS (
    SELECT * FROM events_event WHERE slug = %(slug)s AND status = 'published'
),
up(id, parent_id, depth) AS (
    SELECT l.id, l.parent_id, 0 FROM events_location l JOIN ev ON l.id = ev.location_id
    UNION
    SELECT p.id, p.parent_id, up.depth + 1 FROM events_location p JOIN up ON p.id = up.parent_id
),
cl AS MATERIALIZED (
    SELECT c.* FROM events_claim c JOIN ev ON c.event_id = ev.id
    JOIN events_actor sp ON sp.id = c.speaker_id AND sp.status = 'published'
    WHERE c.status = 'published'
)
SELECT json_build_object(
    'url', %(base)s || '/api/v1/events/' || ev.slug || '/',
    'html_url', %(base)s || '/events/' || ev.slug || '/',
    'slug', ev.slug, 'title', ev.title, 'summary', ev.summary, 'type', ev.event_type,
    'start', ev.start, 'start_precision', ev.start_precision,
    'end', ev."end", 'end_precision', ev.end_precision, 'timezone', ev.timezone,
    'location', (
        SELECT json_build_object(
            'url', %(base)s || '/api/v1/locations/' || l.slug || '/',
            'slug', l.slug, 'name', l.name, 'kind', l.kind,
            'latitude', l.latitude, 'longitude', l.longitude,
            'ancestors', (
                SELECT COALESCE(json_agg({_ref(_LOCATION_REF, l="a")} ORDER BY up.depth), '[]')
                FROM up JOIN events_location a ON a.id = up.id
                WHERE up.depth > 0 AND a.status = 'published'))
        FROM events_location l WHERE l.id = ev.location_id AND l.status = 'published'),
    'parent', (SELECT {_ref(_EVENT_REF, e="p")} FROM events_event p
               WHERE p.id = ev.parent_id AND p.status = 'published'),
    'featured', ev.featured, 'status', ev.status, 'public_note', ev.public_note,
    'first_published_at', ev.first_published_at, 'created_at', ev.created_at,
    'updated_at', ev.updated_at, 'version', ev.revision,
    'participants', (
        SELECT COALESCE(json_agg(json_build_object(
            'actor', {_ref(_ACTOR_REF, a="a")},
            'role', p.role, 'role_label', rl.label,
            'source', {_ref(_ARTICLE_REF, r="s")},
            'passage', p.passage, 'note', p.note) ORDER BY p.role, a.name, p.id), '[]')
        FROM events_participation p
        JOIN events_actor a ON a.id = p.actor_id AND a.status = 'published'
        JOIN events_article s ON s.id = p.source_id AND s.status = 'published'
        JOIN (VALUES {ROLE_LABELS}) rl(role, label) ON rl.role = p.role
        WHERE p.event_id = ev.id),
    'claims', (
        SELECT COALESCE(json_agg(json_build_object({_claim_columns("c", "sp")},
            'contradicting_claims', {_CONTRADICTING_CLAIMS},
            'related_claims', {_RELATED_CLAIMS}
        ) ORDER BY c.made_at, c.id), '[]')
        FROM cl c JOIN events_actor sp ON sp.id = c.speaker_id),
    'figures', (
        SELECT COALESCE(json_agg(json_build_object(
            'metric', m.metric,
            'best', (SELECT {_FIGURE_POINT.format(c="b", speaker=_ref(_ACTOR_REF, a="bs"))}
                     FROM cl b JOIN events_actor bs ON bs.id = b.speaker_id
                     WHERE b.kind = 'figure' AND b.figure_metric = m.metric
                       AND b.assessment IN ('confirmed', 'corroborated', 'unverified')
                     ORDER BY array_position(ARRAY['confirmed', 'corroborated',
                                                   'unverified']::varchar[], b.assessment),
                              b.figure_as_of DESC, b.made_at DESC, b.id DESC
                     LIMIT 1),
            'series', (SELECT json_agg({
    _FIGURE_POINT.format(c="f", speaker=_ref(_ACTOR_REF, a="fs"))
}
                            ORDER BY f.figure_as_of, f.made_at, f.id)
                       FROM cl f JOIN events_actor fs ON fs.id = f.speaker_id
                       WHERE f.kind = 'figure' AND f.figure_metric = m.metric))
            ORDER BY array_position({METRIC_ORDER}::varchar[], m.metric)), '[]')
        FROM (SELECT DISTINCT figure_metric AS metric FROM cl WHERE kind = 'figure') m),
    'sub_events', (
        SELECT COALESCE(json_agg({_ref(_EVENT_REF, e="ch")} ORDER BY ch.start, ch.id), '[]')
        FROM events_event ch WHERE ch.parent_id = ev.id AND ch.status = 'published'),
    'related_events', (
        SELECT COALESCE(json_agg(x.body ORDER BY x.ord, x.id), '[]') FROM (
            SELECT 0 AS ord, r.id, json_build_object('relation', r.kind, 'direction', 'out',
                   'event', {_ref(_EVENT_REF, e="t")}) AS body
            FROM events_eventrelation r
            JOIN events_event t ON t.id = r.target_id AND t.status = 'published'
            WHERE r.source_id = ev.id
            UNION ALL
            SELECT 1, r.id, json_build_object('relation', r.kind, 'direction', 'in',
                   'event', {_ref(_EVENT_REF, e="t")})
            FROM events_eventrelation r
            JOIN events_event t ON t.id = r.source_id AND t.status = 'published'
            WHERE r.target_id = ev.id) x),
    'corrections', {_CORRECTIONS.format(model="event", id="ev.id")},
    'as_of', NULL
)
FROM ev
"""

_CLAIM_CURSOR = _cursor(
    ("made_at", "id"), [f"max(c.{k}) FILTER (WHERE c.n = 20)" for k in ("made_at", "id")], False
)
CLAIMS_AS_OF_SQL = f"""
WITH page AS (
    SELECT c.*, row_number() OVER (ORDER BY c.made_at, c.id) AS n
    FROM (SELECT c.* FROM events_claim c
          WHERE {_VISIBLE_CLAIM.format(c="c")}
            AND c.made_at < (%(as_of)s::date + 1)::timestamp AT TIME ZONE 'UTC'
          ORDER BY c.made_at, c.id LIMIT 21) c
)
SELECT json_build_object(
    'next', CASE WHEN count(*) > 20 THEN %(base)s || '/api/v1/claims/?as_of=' || %(as_of)s
        || '&cursor=' || replace({_CLAIM_CURSOR}, '=', '%%3D') END,
    'previous', NULL,
    'next_cursor', CASE WHEN count(*) > 20 THEN {_CLAIM_CURSOR} END,
    'previous_cursor', NULL,
    'results', COALESCE(json_agg(json_build_object({_claim_columns("c", "sp", "e")})
        ORDER BY c.n)
        FILTER (WHERE c.n <= 20), '[]'::json))
FROM page c
JOIN events_event e ON e.id = c.event_id
JOIN events_actor sp ON sp.id = c.speaker_id
"""

EVENT_LIST_SQL = _event_page(
    "ev.status = 'published'", "%(base)s || '/api/v1/events/?cursor=' || {cursor}"
)

EVENT_LIST_LOCATION_SQL = """
WITH RECURSIVE place(id) AS (
    SELECT id FROM events_location WHERE slug = %(location)s AND status = 'published'
    UNION
    SELECT c.id FROM events_location c JOIN place p ON c.parent_id = p.id
)""" + _event_page(
    "ev.status = 'published' AND ev.location_id IN (SELECT id FROM place)",
    "%(base)s || '/api/v1/events/?cursor=' || {cursor} || '&location=' || %(location)s",
).replace("WITH page AS", ", page AS", 1)

# Search (events/search/postgres.py): the candidates are the newest 200 full-text
# matches and the newest 50 events whose names resemble the query (pg_trgm); the list then
# pages the candidates best first (``ordering=relevance``, the default with ``q``): the
# text rank plus, for the events whose names resemble the query, half their similarity; ties
# in reading order. (Ours adds the names only to plain, short queries, as the bench's terms
# are: events.search.query.wants_fuzzy.)
EVENT_SEARCH_SQL = """
WITH named AS (
    SELECT id FROM events_event
    WHERE status = 'published' AND search_names %%> newsbase_fold(%(q)s)
    ORDER BY id DESC LIMIT 50
), found AS (
    (SELECT id FROM events_event
     WHERE status = 'published'
       AND search_vector @@ websearch_to_tsquery('newsbase', %(q)s)
     ORDER BY id DESC LIMIT 200)
    UNION
    (SELECT id FROM named)
)""" + _event_page(
    "ev.status = 'published' AND ev.id IN (SELECT id FROM found)",
    "%(base)s || '/api/v1/events/?cursor=' || {cursor} || '&q=' || %(q)s",
    rank="ts_rank(ev.search_vector, websearch_to_tsquery('newsbase', %(q)s))"
    " + 0.5 * CASE WHEN ev.id IN (SELECT id FROM named)"
    " THEN word_similarity(newsbase_fold(%(q)s), ev.search_names) ELSE 0 END",
).replace("WITH page AS", ", page AS", 1)

HEALTHZ_SQL = (
    "SELECT json_build_object('status', 'ok', 'database', (SELECT 'ok' FROM (SELECT 1) x))"
)

# --- Datasette equivalents -----------------------------------------------------------------
# Datasette serves the same published rows exported to SQLite (bench/datasette.py), each
# endpoint through a canned query that builds the same nested document as the floor SQL above
# (SQLite's json_object / json_group_array). ``_json=doc`` has Datasette parse and re-encode
# the document so that it nests, ``_shape=arrayfirst`` drops the row wrapper: ``[document]``.
_DS_SHAPE = "_shape=arrayfirst&_json=doc"
_DS_LIST_NOTE = (
    "canned query: the same 20 rows in reading order with every field ours carries (place, "
    "parent); next cursor in hex, not base64"
)


def _ds(query: str, params: str = "") -> str:
    return f"/bench/{query}.json?{params}{'&' if params else ''}{_DS_SHAPE}"


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        name="event-list",
        kind="list",
        path="/api/v1/events/",
        floor_sql=EVENT_LIST_SQL,
        datasette=_ds("event_list"),
        datasette_note=_DS_LIST_NOTE,
    ),
    Endpoint(
        name="event-list-location",
        kind="list",
        path="/api/v1/events/?location={location_slug}",
        floor_sql=EVENT_LIST_LOCATION_SQL,
        floor_params={"location": "location_slug"},
        datasette=_ds("event_list_location", "location={location_slug}"),
        datasette_note=_DS_LIST_NOTE + "; descendants precomputed in a place_tree table",
    ),
    Endpoint(
        name="event-detail",
        kind="detail",
        path="/api/v1/events/{event_slug}/",
        floor_sql=EVENT_DETAIL_SQL,
        floor_params={"slug": "event_slug"},
        datasette=_ds("event_detail", "slug={event_slug}"),
        datasette_note=(
            "canned query: the event with its place and ancestors, parent, participants, "
            "claims (sources with articles, related and contradicting claims), figures, "
            "sub-events and related events, as ours"
        ),
    ),
    Endpoint(
        name="claims-as-of",
        kind="list",
        path="/api/v1/claims/?as_of={as_of}",
        floor_sql=CLAIMS_AS_OF_SQL,
        floor_params={"as_of": "as_of"},
        datasette=_ds("claims_as_of", "as_of={as_of}"),
        datasette_note=(
            "canned query: the same 20 claims with event, speaker, figure and sources "
            "(with articles); next cursor in hex, not base64"
        ),
    ),
    *(
        Endpoint(
            name=f"search-{rarity}",
            kind="search",
            path=f"/api/v1/events/?q={{term_{rarity}}}",
            floor_sql=EVENT_SEARCH_SQL,
            floor_params={"q": f"term_{rarity}"},
            datasette=_ds("event_search", f"q={{term_{rarity}}}"),
            datasette_note=(
                "canned query over SQLite FTS5: the newest 200 matches (no name-similarity "
                "candidates as our pg_trgm adds) ranked by bm25, list rows as ours; SQLite "
                "has no ts_rank or trigram similarity, so where a term matches more than a "
                "page of events its page holds other rows than ours and the floor's"
            ),
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
