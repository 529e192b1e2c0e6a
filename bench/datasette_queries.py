"""Datasette's canned queries: our API's documents, built by SQLite from the exported rows.

Datasette's table and row endpoints serve flat rows, far lighter than our nested documents
(an event's row is under 1 KB, our event is over 100 KB with its claims). To compare like with
like, each endpoint the bench measures has a canned query here that builds the same document
the floor SQL in ``bench/endpoints.py`` builds in PostgreSQL, with the same fields, nesting
and rows, from the tables ``bench/datasette.py`` exports (published rows only, so no status
filters). The bench checks every run that each document has the floor's fields and rows.
"""

from __future__ import annotations

# SQLite's versions of the floor SQL in bench/endpoints.py: the same fields, nesting and row
# order. Two differences of dialect: a document built in a subquery is passed through json()
# so that it nests as JSON rather than as a string, and aggregates take their order from an
# ordered subquery (SQLite < 3.44 has no ORDER BY inside json_group_array). Absolute URLs use
# a fixed base of the same length as the bench's own (Datasette cannot see the request's
# host from SQL), and list cursors are hex, not base64 (SQLite has no base64).
BASE = "http://127.0.0.1:40000"


def _array(select: str, order: str) -> str:
    """A JSON array of ``select``'s one column ``x``, in ``order``, as a nested value."""
    return f"json((SELECT json_group_array(json(x)) FROM ({select} ORDER BY {order})))"


_ACTOR_REF = """json_object(
        'url', '{base}/api/v1/actors/' || {a}.slug || '/',
        'slug', {a}.slug, 'name', {a}.name, 'kind', {a}.kind)"""

_EVENT_REF = """json_object(
        'url', '{base}/api/v1/events/' || {e}.slug || '/',
        'slug', {e}.slug, 'title', {e}.title, 'type', {e}.event_type,
        'start', {e}.start, 'start_precision', {e}.start_precision)"""

_LOCATION_REF = """json_object(
        'url', '{base}/api/v1/locations/' || {l}.slug || '/',
        'slug', {l}.slug, 'name', {l}.name, 'kind', {l}.kind,
        'latitude', {l}.latitude, 'longitude', {l}.longitude)"""

_ARTICLE_REF = """json_object(
        'api_url', '{base}/api/v1/articles/' || {r}.slug || '/',
        'slug', {r}.slug, 'headline', {r}.headline,
        'original_headline', {r}.original_headline, 'kind', {r}.kind,
        'published_on', {r}.published_on, 'url', {r}.url)"""


def _ref(template: str, **alias: str) -> str:
    return template.format(base=BASE, **alias)


def _bool(column: str) -> str:
    return f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"


def _display(c: str) -> str:
    return (
        f"CASE {c}.figure_qualifier WHEN 'exact' THEN '' WHEN 'at_least' THEN 'at least ' "
        f"ELSE {c}.figure_qualifier || ' ' END || {c}.figure_value || ' ' || {c}.figure_metric"
    )


def _figure(c: str) -> str:
    return f"""CASE WHEN {c}.figure_value IS NULL THEN NULL ELSE json_object(
        'metric', {c}.figure_metric, 'value', {c}.figure_value,
        'qualifier', {c}.figure_qualifier, 'as_of', {c}.figure_as_of,
        'as_of_precision', {c}.figure_as_of_precision, 'display', {_display(c)}) END"""


def _figure_point(c: str, s: str) -> str:
    return f"""json_object(
        'claim', '{BASE}/api/v1/claims/' || {c}.id || '/',
        'id', {c}.id, 'value', {c}.figure_value, 'qualifier', {c}.figure_qualifier,
        'as_of', {c}.figure_as_of, 'as_of_precision', {c}.figure_as_of_precision,
        'display', {_display(c)}, 'assessment', {c}.assessment,
        'speaker', {_ref(_ACTOR_REF, a=s)}, 'made_at', {c}.made_at)"""


def _sources(c: str) -> str:
    select = f"""SELECT json_object('article', {_ref(_ARTICLE_REF, r="ar")},
            'passage', cs.passage, 'start_offset', cs.start_offset,
            'end_offset', cs.end_offset,
            'attributes_speaker', {_bool("cs.attributes_speaker")}) AS x
        FROM claim_sources cs JOIN articles ar ON ar.id = cs.article_id
        WHERE cs.claim_id = {c}.id"""
    return _array(select, "ar.published_on, cs.id")


def _relation_rows(c: str) -> str:
    """Relations of claim ``c`` both ways (the export holds only visible claims)."""
    ref = f"""json_object(
        'url', '{BASE}/api/v1/claims/' || o.id || '/', 'id', o.id, 'kind', o.kind,
        'speaker', {_ref(_ACTOR_REF, a="os")}, 'text', o.text, 'made_at', o.made_at,
        'assessment', o.assessment)"""
    return f"""
            SELECT 0 AS ord, o.made_at, r.id, r.kind, r.kind AS relation, o.id AS other,
                   {ref} AS claim
            FROM claim_relations r JOIN claims o ON o.id = r.to_claim_id
            JOIN actors os ON os.id = o.speaker_id
            WHERE r.from_claim_id = {c}.id
            UNION ALL
            SELECT 1, o.made_at, r.id, r.kind, CASE r.kind WHEN 'supports' THEN 'supported_by'
                       WHEN 'contradicts' THEN 'contradicted_by' ELSE 'updated_by' END,
                   o.id, {ref}
            FROM claim_relations r JOIN claims o ON o.id = r.from_claim_id
            JOIN actors os ON os.id = o.speaker_id
            WHERE r.to_claim_id = {c}.id"""


def _related_claims(c: str) -> str:
    select = f"""SELECT json_object('relation', rel.relation, 'claim', json(rel.claim)) AS x,
               rel.ord, rel.made_at, rel.id FROM ({_relation_rows(c)}) rel"""
    return _array(select, "ord, made_at, id")


def _contradicting_claims(c: str) -> str:
    select = f"""SELECT claim AS x, ord, made_at, id FROM (
            SELECT rel.*, row_number() OVER (
                       PARTITION BY rel.other ORDER BY rel.ord, rel.made_at, rel.id) AS k
            FROM ({_relation_rows(c)}) rel WHERE rel.kind = 'contradicts')
        WHERE k = 1"""
    return _array(select, "ord, made_at, id")


def _claim_columns(c: str, speaker: str, event: str | None = None) -> str:
    """The keys and values of claim ``c``'s document (its speaker joined as ``speaker``), for
    ``json_object``: as the claim list serves it, naming its event (joined as ``event``) and
    with its public note; or, without ``event``, as an event serves it inside, with neither
    (``events.api.render.claim_in_event``; the caller adds the claim's relations)."""
    in_list = event is not None
    event_column = f"'event', {_ref(_EVENT_REF, e=event)}," if in_list else ""
    note_column = f"'public_note', {c}.public_note," if in_list else ""
    return f"""
        'url', '{BASE}/api/v1/claims/' || {c}.id || '/',
        'html_url', '{BASE}/claims/' || {c}.id || '/',
        'id', {c}.id, {event_column}
        'speaker', {_ref(_ACTOR_REF, a=speaker)},
        'kind', {c}.kind, 'text', {c}.text, 'mode', {c}.mode, 'language', {c}.language,
        'made_at', {c}.made_at, 'made_precision', {c}.made_precision, 'venue', {c}.venue,
        'assessment', {c}.assessment, 'assessment_note', {c}.assessment_note,
        'figure', {_figure(c)},
        'sources', {_sources(c)},
        'status', {c}.status, {note_column}
        'first_published_at', {c}.first_published_at, 'created_at', {c}.created_at,
        'updated_at', {c}.updated_at, 'version', {c}.revision"""


_EVENT_ITEM = f"""json_object(
        'url', '{BASE}/api/v1/events/' || e.slug || '/',
        'html_url', '{BASE}/events/' || e.slug || '/',
        'slug', e.slug, 'title', e.title, 'summary', e.summary, 'type', e.event_type,
        'start', e.start, 'start_precision', e.start_precision,
        'end', e."end", 'end_precision', e.end_precision, 'timezone', e.timezone,
        'location', CASE WHEN l.id IS NULL THEN NULL ELSE {_ref(_LOCATION_REF, l="l")} END,
        'parent', CASE WHEN p.id IS NULL THEN NULL ELSE {_ref(_EVENT_REF, e="p")} END,
        'featured', {_bool("e.featured")}, 'status', e.status, 'public_note', e.public_note,
        'first_published_at', e.first_published_at, 'created_at', e.created_at,
        'updated_at', e.updated_at, 'version', e.revision)"""

#: The API's default order of events: newest first in reading order (events.chronology).
_READING_KEYS = ("reading_at", "reading_rank", "start", "id")


def _event_page(rows: str, path: str, ranked: bool = False) -> str:
    """A keyset page of events: 21 rows read, 20 served, ``next`` if more.

    ``rows`` selects the events (with a ``search_rank`` column when ``ranked``): newest first
    in reading order, or best first and then in reading order, as ours orders a search.
    """
    keys = ("search_rank", *_READING_KEYS[1:]) if ranked else _READING_KEYS
    order = ", ".join(f"{k} DESC" for k in keys)
    cursor = f"hex(json_array('{','.join(f'-{k}' for k in keys)}', {', '.join(keys)}))"
    last = "FROM page WHERE n = 20 AND EXISTS (SELECT 1 FROM page WHERE n = 21)"
    results = _array(
        f"""SELECT {_EVENT_ITEM} AS x, e.n FROM page e
        LEFT JOIN locations l ON l.id = e.location_id
        LEFT JOIN events p ON p.id = e.parent_id
        WHERE e.n <= 20""",
        "e.n",
    )
    return f"""
WITH page AS MATERIALIZED (
    SELECT ev.*, row_number() OVER (ORDER BY {order}) AS n
    FROM ({rows} ORDER BY {order} LIMIT 21) ev
)
SELECT json_object(
    'next', (SELECT '{BASE}{path}cursor=' || {cursor} {last}),
    'previous', NULL,
    'next_cursor', (SELECT {cursor} {last}),
    'previous_cursor', NULL,
    'results', {results}) AS doc"""


EVENT_DETAIL = f"""
WITH ev AS (SELECT * FROM events WHERE slug = :slug),
cl AS MATERIALIZED (SELECT c.* FROM claims c JOIN ev ON c.event_id = ev.id)
SELECT json_object(
    'url', '{BASE}/api/v1/events/' || ev.slug || '/',
    'html_url', '{BASE}/events/' || ev.slug || '/',
    'slug', ev.slug, 'title', ev.title, 'summary', ev.summary, 'type', ev.event_type,
    'start', ev.start, 'start_precision', ev.start_precision,
    'end', ev."end", 'end_precision', ev.end_precision, 'timezone', ev.timezone,
    'location', json((
        SELECT json_object(
            'url', '{BASE}/api/v1/locations/' || l.slug || '/',
            'slug', l.slug, 'name', l.name, 'kind', l.kind,
            'latitude', l.latitude, 'longitude', l.longitude,
            'ancestors', {
    _array(
        f"SELECT {_ref(_LOCATION_REF, l='a')} AS x, t.depth "
        "FROM place_tree t JOIN locations a ON a.id = t.root "
        "WHERE t.id = l.id AND t.depth > 0",
        "t.depth",
    )
})
        FROM locations l WHERE l.id = ev.location_id)),
    'parent', json((SELECT {_ref(_EVENT_REF, e="p")} FROM events p WHERE p.id = ev.parent_id)),
    'featured', {_bool("ev.featured")}, 'status', ev.status, 'public_note', ev.public_note,
    'first_published_at', ev.first_published_at, 'created_at', ev.created_at,
    'updated_at', ev.updated_at, 'version', ev.revision,
    'participants', {
    _array(
        f'''SELECT json_object(
            'actor', {_ref(_ACTOR_REF, a="a")},
            'role', p.role, 'role_label', rl.label,
            'source', {_ref(_ARTICLE_REF, r="s")},
            'passage', p.passage, 'note', p.note) AS x, p.role, a.name, p.id
        FROM participations p
        JOIN actors a ON a.id = p.actor_id
        JOIN articles s ON s.id = p.source_id
        JOIN roles rl ON rl.role = p.role
        WHERE p.event_id = ev.id''',
        "p.role, a.name, p.id",
    )
},
    'claims', {
    _array(
        f'''SELECT json_object({_claim_columns("c", "sp")},
            'contradicting_claims', {_contradicting_claims("c")},
            'related_claims', {_related_claims("c")}) AS x, c.made_at, c.id
        FROM cl c JOIN actors sp ON sp.id = c.speaker_id''',
        "c.made_at, c.id",
    )
},
    'figures', {
    _array(
        f'''SELECT json_object(
            'metric', m.metric,
            'best', json((SELECT {_figure_point("b", "bs")}
                     FROM cl b JOIN actors bs ON bs.id = b.speaker_id
                     WHERE b.kind = 'figure' AND b.figure_metric = m.metric
                       AND b.assessment IN ('confirmed', 'corroborated', 'unverified')
                     ORDER BY CASE b.assessment WHEN 'confirmed' THEN 0
                                  WHEN 'corroborated' THEN 1 ELSE 2 END,
                              b.figure_as_of DESC, b.made_at DESC, b.id DESC
                     LIMIT 1)),
            'series', {
            _array(
                f"SELECT {_figure_point('f', 'fs')} AS x, f.figure_as_of, f.made_at, f.id "
                "FROM cl f JOIN actors fs ON fs.id = f.speaker_id "
                "WHERE f.kind = 'figure' AND f.figure_metric = m.metric",
                "f.figure_as_of, f.made_at, f.id",
            )
        }) AS x, m.metric
        FROM (SELECT DISTINCT figure_metric AS metric FROM cl WHERE kind = 'figure') m''',
        "instr(',killed,injured,hospitalised,missing,detained,charged,', ',' || m.metric || ',')",
    )
},
    'sub_events', {
    _array(
        f"SELECT {_ref(_EVENT_REF, e='ch')} AS x, ch.start, ch.id "
        "FROM events ch WHERE ch.parent_id = ev.id",
        "ch.start, ch.id",
    )
},
    'related_events', {
    _array(
        f'''SELECT json_object('relation', r.kind, 'direction', 'out',
                   'event', {_ref(_EVENT_REF, e="t")}) AS x, 0 AS ord, r.id AS id
            FROM event_relations r JOIN events t ON t.id = r.target_id
            WHERE r.source_id = ev.id
            UNION ALL
            SELECT json_object('relation', r.kind, 'direction', 'in',
                   'event', {_ref(_EVENT_REF, e="t")}), 1, r.id
            FROM event_relations r JOIN events t ON t.id = r.source_id
            WHERE r.target_id = ev.id''',
        "ord, id",
    )
},
    'corrections', {
    _array(
        "SELECT json_object('kind', k.kind, 'note', k.note, 'created_at', k.created_at) AS x, "
        "k.created_at FROM event_corrections k WHERE k.event_id = ev.id",
        "k.created_at DESC LIMIT 200",
    )
},
    'as_of', NULL
) AS doc
FROM ev"""

CLAIMS_AS_OF = f"""
WITH page AS (
    SELECT c.*, row_number() OVER (ORDER BY c.made_at, c.id) AS n
    FROM (SELECT * FROM claims WHERE made_at < date(:as_of, '+1 day')
          ORDER BY made_at, id LIMIT 21) c
)
SELECT json_object(
    'next', (SELECT '{BASE}/api/v1/claims/?as_of=' || :as_of || '&cursor='
                    || hex(json_array('made_at,id', made_at, id))
             FROM page WHERE n = 20 AND EXISTS (SELECT 1 FROM page WHERE n = 21)),
    'previous', NULL,
    'next_cursor', (SELECT hex(json_array('made_at,id', made_at, id))
                    FROM page WHERE n = 20 AND EXISTS (SELECT 1 FROM page WHERE n = 21)),
    'previous_cursor', NULL,
    'results', {
    _array(
        f'''SELECT json_object({_claim_columns("c", "sp", event="e")}) AS x, c.n
        FROM page c JOIN events e ON e.id = c.event_id JOIN actors sp ON sp.id = c.speaker_id
        WHERE c.n <= 20''',
        "c.n",
    )
}) AS doc"""

EVENT_LIST = _event_page("SELECT * FROM events", "/api/v1/events/?")

EVENT_LIST_LOCATION = _event_page(
    "SELECT * FROM events WHERE location_id IN (SELECT t.id FROM place_tree t "
    "JOIN locations l ON l.id = t.root WHERE l.slug = :location)",
    "/api/v1/events/?location=' || :location || '&",
)

# Search: FTS5 instead of PostgreSQL's full text and trigrams. Like ours, the candidates are
# the newest 200 matches, paged best first (FTS5's bm25, weighted by column as ts_rank
# weighs the title, summary and place names: 1, 0.4, 0.2), ties in reading order. The term
# is quoted as one FTS5 string, as Datasette's own ``_search`` does. Ours ranks with ts_rank
# plus pg_trgm's name similarity, which SQLite has no equivalent of: when a term matches
# more than a page of events (the common term), the two rankings pick different pages.
EVENT_SEARCH = _event_page(
    "SELECT events.*, f.search_rank FROM events JOIN ("
    "SELECT rowid, -bm25(events_fts, 1.0, 0.4, 0.2) AS search_rank FROM events_fts "
    "WHERE events_fts MATCH '\"' || replace(:q, '\"', '\"\"') || '\"' "
    "ORDER BY rowid DESC LIMIT 200) f ON f.rowid = events.id",
    "/api/v1/events/?q=' || :q || '&",
    ranked=True,
)

#: Canned query name (its URL: /bench/<name>.json) -> (SQL, the parameters it takes).
QUERIES = {
    "event_list": (EVENT_LIST, []),
    "event_list_location": (EVENT_LIST_LOCATION, ["location"]),
    "event_detail": (EVENT_DETAIL, ["slug"]),
    "claims_as_of": (CLAIMS_AS_OF, ["as_of"]),
    "event_search": (EVENT_SEARCH, ["q"]),
}
