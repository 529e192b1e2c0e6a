"""Search on PostgreSQL: the stored, GIN-indexed documents and pg_trgm name similarity.

Each searchable table carries ``search_vector`` (its own text and related names, weighted)
and ``search_names`` (accent-folded names, trigram indexed); migration 0003_search creates
them and the triggers that keep them fresh. A query is parsed by ``websearch_to_tsquery``
in the ``newsbase`` configuration and, when short and plain, also matched against names
with ``word_similarity``. Only the newest ``candidates`` matches are ranked.
"""

from __future__ import annotations

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, Expression, FloatField, Func, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from .query import Term, wants_fuzzy

TEXT_SEARCH_CONFIG = "newsbase"


class DocColumn(Expression):
    """A column the search migration adds to the queryset's own table (unknown to the model).

    Resolved against the query's base alias at compile time, so it also works inside
    subqueries where Django renames the table (U0…).
    """

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return (
            f"{compiler.quote_name(alias)}.{connection.ops.quote_name(self.column)}",
            [],
        )

    def get_group_by_cols(self):
        return [self]


#: Tables too large to compare every row's names with trigrams: their misspelt-name matches
#: go through the names of the actor they point to (a claim's speaker, an article's
#: publisher), looked up in the small, trigram-indexed actor table.
NAMES_VIA_ACTOR = {"claim": "speaker", "article": "publisher"}


#: At most this many actors whose names resemble a misspelt query are followed to their rows.
SIMILAR_ACTORS = 10


def _fold(text: str) -> Func:
    """``text`` accent-folded and lower-cased in SQL, as the stored names are."""
    return Func(Value(text), function="newsbase_fold", output_field=TextField())


def _similar_own_names(queryset: QuerySet, text: str) -> QuerySet:
    """The rows whose own ``search_names`` resemble ``text`` (pg_trgm), newest first."""
    names = DocColumn("search_names", TextField())
    return (
        queryset.alias(_names=names)
        .filter(_names__trigram_word_similar=_fold(text))
        .order_by("-pk")
    )


def _similar_names_sql(queryset: QuerySet, text: str, cap: int) -> tuple[str, list]:
    """SQL for the newest rows whose names resemble ``text`` (pg_trgm word_similarity).

    Actors and places (small tables) and events compare their own ``search_names``. Claims
    and articles (the big tables) follow the ``SIMILAR_ACTORS`` most similar actors to their
    newest ``cap`` rows each through an index on (speaker_id, id) / (publisher_id, id), so a
    prolific speaker costs no more than a quiet one.
    """
    model = queryset.model
    via = NAMES_VIA_ACTOR.get(model._meta.model_name)
    if via is None:
        similar = _similar_own_names(queryset, text).values("pk")[:cap]
        sql, params = similar.query.get_compiler(queryset.db).as_sql()
        return sql, list(params)
    quote = connections[queryset.db].ops.quote_name
    table, fk = quote(model._meta.db_table), quote(model._meta.get_field(via).column)
    sql = (
        "SELECT r.id FROM (SELECT id FROM events_actor"
        " WHERE search_names %%> newsbase_fold(%s)"
        " ORDER BY word_similarity(newsbase_fold(%s), search_names) DESC, id"
        f" LIMIT {SIMILAR_ACTORS}) a"
        f" CROSS JOIN LATERAL (SELECT x.id FROM {table} x WHERE x.{fk} = a.id"
        f" ORDER BY x.id DESC LIMIT {int(cap)}) r"
    )
    return sql, [text, text]


def search(
    queryset: QuerySet, text: str, clauses: list[list[Term]], *, candidates: int, ranked: bool
) -> QuerySet:
    tsquery = SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch")
    vector = DocColumn("search_vector", SearchVectorField())
    # Only the newest `candidates` matches are ranked: PostgreSQL reads the GIN index and
    # sorts the few matches of a rare word, or walks the primary key backwards and stops once
    # it has enough matches of a common one — it never ranks every match (docs/search.md).
    words = queryset.alias(_doc=vector).filter(_doc=tsquery).order_by("-pk").values("pk")
    found = words[:candidates]
    names_cap = max(1, candidates // 4)
    fuzzy = wants_fuzzy(text, clauses)
    own_names = fuzzy and queryset.model._meta.model_name not in NAMES_VIA_ACTOR
    if ranked and own_names:
        return _ranked_with_own_names(queryset, text, found, names_cap, tsquery, vector)
    if fuzzy:
        words_sql, words_params = found.query.get_compiler(queryset.db).as_sql()
        names_sql, names_params = _similar_names_sql(queryset, text, names_cap)
        found = RawSQL(f"({words_sql}) UNION ({names_sql})", [*words_params, *names_params])
    if not ranked:
        # ts_rank and word_similarity cost ~25 µs per candidate row: most of the query's
        # time when the caller sorts by date anyway.
        return queryset.filter(pk__in=found)
    # (Not the names' similarity per claim or article: it is costly, and the speaker's or
    # publisher's exact names are already in the row's tsvector.)
    return _ranked(queryset, found, SearchRank(vector, tsquery))


def _ranked_with_own_names(queryset, text, found, names_cap, tsquery, vector) -> QuerySet:
    """Events, actors and places: the text rank plus, for the rows whose names resemble the
    query, half their names' similarity (a closer spelling ranks higher).

    The names branch runs first, as its own query, and the ranked query takes its ids as
    constants. In one statement the bonus would either compute ``word_similarity`` for every
    candidate (~40 µs a row on a long list of names: 8 of the 9 ms a common word's query
    ran) or name the branch twice, and each copy costs the planner 3.4 ms of pg_trgm's
    estimate (docs/search.md, "Planning").
    """
    named = list(_similar_own_names(queryset, text).values_list("pk", flat=True)[:names_cap])
    rank = SearchRank(vector, tsquery)
    if named:
        words_sql, words_params = found.query.get_compiler(queryset.db).as_sql()
        found = RawSQL(f"({words_sql}) UNION (SELECT unnest(%s))", [*words_params, named])
        names = DocColumn("search_names", TextField())
        closeness = Case(
            When(pk__in=named, then=TrigramWordSimilarity(_fold(text), names)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        rank = rank + 0.5 * closeness
    return _ranked(queryset, found, rank)


def _ranked(queryset: QuerySet, found, rank) -> QuerySet:
    # float8, not ts_rank's float4: the API's cursors carry the rank and must compare equal.
    rank = Cast(rank, FloatField())
    return queryset.filter(pk__in=found).annotate(search_rank=rank).order_by("-search_rank", "-pk")
