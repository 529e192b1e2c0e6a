"""Matching on databases without full-text search (SQLite, the embedded default).

The query's terms are matched word by word, as regexes (events/search/query.py), against
the same fields and related names the PostgreSQL documents hold (``SEARCH_FIELDS``), only
through related rows that are published; results are ranked in SQL by weighted matches of
each row's own fields (``RANK_FIELDS``). Names close to a misspelt query
(events/search/names.py) are searched for exactly, as extra alternatives.
"""

from __future__ import annotations

from django.db.models import Case, ExpressionWrapper, FloatField, Q, QuerySet, Value, When

from .query import WORD, Term, fold, positive_terms, positive_words, term_regex, words_regex

SEARCH_FIELDS: dict[str, list[str]] = {
    # The same text and related names the PostgreSQL documents hold (migration 0003_search).
    "event": [
        "title",
        "summary",
        "location__name",
        "location__aliases__name",
        "location__parent__name",
        "location__parent__aliases__name",
        "location__parent__parent__name",
        "location__parent__parent__aliases__name",
        "location__parent__parent__parent__name",
        "location__parent__parent__parent__aliases__name",
        "participations__actor__name",
        "participations__actor__aliases__name",
    ],
    "actor": ["name", "description", "aliases__name"],
    "location": ["name", "address", "description", "aliases__name"],
    "claim": ["text", "venue", "speaker__name", "speaker__aliases__name"],
    "article": ["headline", "byline", "clean_text", "publisher__name", "publisher__aliases__name"],
}


def _fields_for(model) -> list[str]:
    return SEARCH_FIELDS[model._meta.model_name]


def _public_owner(path: str) -> str | None:
    """The related row whose status decides whether a name may be searched.

    ``participations__actor__aliases__name`` → ``participations__actor``: a draft actor's
    names must not make a published event findable. Own fields (``title``,
    ``aliases__name``) need no check.
    """
    parts = path.split("__")[:-1]
    if parts and parts[-1] == "aliases":
        parts = parts[:-1]
    return "__".join(parts) or None


def _term_condition(model, term: Term) -> Q:
    pattern = term_regex(term)
    any_field = Q()
    for name in _fields_for(model):
        match = Q(**{f"{name}__iregex": pattern})
        owner = _public_owner(name)
        if owner is not None:
            # Same Q, same join: the matching name belongs to a published row.
            match &= Q(**{f"{owner}__status": "published"})
        any_field |= match
    # One subquery per term: a term may match one related row and the next term another.
    condition = Q(pk__in=model._base_manager.filter(any_field).values("pk"))
    return ~condition if term.negated else condition


#: Own fields weighed for relevance on databases without ts_rank, like the documents'
#: weights on PostgreSQL (names and titles first): a row scores the weight of each field
#: that matches each query word, and a misspelt query's similar names score NAME_WEIGHT.
RANK_FIELDS: dict[str, list[tuple[str, float]]] = {
    "event": [("title", 1.0), ("summary", 0.4)],
    "actor": [("name", 1.0), ("description", 0.3)],
    "location": [("name", 1.0), ("address", 0.3), ("description", 0.3)],
    "claim": [("text", 1.0), ("venue", 0.2)],
    "article": [("headline", 1.0), ("byline", 0.3)],
}
NAME_WEIGHT = 0.8
RANKED_TERMS = 6
LEADING_WEIGHT = Value(0.5)


def _name_term(name: str) -> Term | None:
    words = tuple(fold(w) for w in WORD.findall(name))
    return Term(words=words) if words else None


def _rank(model, clauses: list[list[Term]], names: list[str]):
    """Relevance as a SQL expression (no extra query): weighted matches of own fields."""
    fields = RANK_FIELDS[model._meta.model_name]

    def matches(field_name: str, term: Term, weight: float):
        return Case(
            When(**{f"{field_name}__iregex": term_regex(term)}, then=Value(weight)),
            default=Value(0.0),
            output_field=FloatField(),
        )

    # The first few words decide (a 200-character query would nest too deep for SQLite).
    parts = [
        matches(name, term, weight)
        for term in positive_terms(clauses)[:RANKED_TERMS]
        for name, weight in fields
    ]
    main = fields[0][0]
    # A name or title that begins with the query is about it ("Crocus City Hall attack"),
    # more than one that mentions it later ("Four Crocus City Hall gunmen sentenced").
    leading = Term(words=tuple(positive_words(clauses)[:4]))
    parts.append(
        Case(
            When(**{f"{main}__iregex": r"^\W*" + words_regex(leading)}, then=LEADING_WEIGHT),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    for name in names:
        term = _name_term(name)
        if term is not None:
            parts.append(matches(main, term, NAME_WEIGHT))
    rank = parts[0]
    for part in parts[1:]:
        rank = rank + part
    return ExpressionWrapper(rank, output_field=FloatField())


def search(queryset: QuerySet, clauses: list[list[Term]], names: list[str] = ()) -> QuerySet:
    if not positive_words(clauses):
        return queryset.none()
    condition = Q()
    for clause in clauses:
        alternatives = Q()
        for term in clause:
            alternatives |= _term_condition(queryset.model, term)
        condition &= alternatives
    # Names close to a misspelt query (events/search/names.py), searched for exactly.
    for name in names:
        term = _name_term(name)
        if term is not None:
            condition |= _term_condition(queryset.model, term)
    rank = _rank(queryset.model, clauses, list(names))
    return queryset.filter(condition).annotate(search_rank=rank).order_by("-search_rank", "-pk")
