"""The search service on the Crocus names: both databases unless marked ``postgres``."""

import unicodedata

import pytest
from django.db import connection

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Claim,
    Event,
    Location,
    LocationAlias,
    Participation,
    Status,
)
from events.search import (
    MAX_QUERY_LENGTH,
    highlight,
    normalise_query,
    parse_query,
    positive_terms,
    search_queryset,
    search_site,
)
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EventFactory,
    LocationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return [o.slug for o in queryset]


# --- The searches ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Crocus", "Krasnogorsk", "Moscow Oblast", "concert", "Picnic"])
def test_the_attack_is_found_by_its_names_places_and_words(record, query):
    assert record.attack in Event.objects.search(query)
    hits = search_site(query).hits["event"]
    assert record.attack.slug in [h.obj.slug for h in hits]


@pytest.mark.parametrize("query", ["Zelenskyy", "Зеленський", "zelensky", "ZELENSKYY"])
def test_zelensky_is_found_by_every_spelling(record, query):
    assert record.zelensky in Actor.objects.search(query)


@pytest.mark.parametrize("query", ["ISIS-K", "ISKP", "IS-K", "Khorasan"])
def test_islamic_state_khorasan_province_is_found_by_its_abbreviations(record, query):
    assert record.iskp in Actor.objects.search(query)


def test_a_claim_is_found_by_its_speakers_other_names(record):
    found = Claim.objects.search("Зеленський")
    assert found.exists()
    assert {c.speaker_id for c in found} == {record.zelensky.pk}


def test_an_event_is_found_by_the_aliases_of_its_actors_and_places(record):
    assert record.attack in Event.objects.search("ISKP")
    assert record.attack in Event.objects.search("Красногорск")


@pytest.mark.parametrize(
    "query", ["Zelenskýy", "Zélensky", "Krasnogórsk", unicodedata.normalize("NFD", "Zelenskýy")]
)
def test_accents_are_ignored(record, query):
    found = list(Actor.objects.search(query)) + list(Location.objects.search(query))
    assert record.zelensky in found or record.krasnogorsk in found


def test_an_accented_name_is_found_without_its_accents(db):
    actor = ActorFactory(name="Sergei Shoigú")
    assert actor in Actor.objects.search("shoigu")


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Zelenski", "volodymyr-zelensky"),
        ("Зеленский", "volodymyr-zelensky"),
        ("Krasnogrsk", "krasnogorsk"),
        ("Zelenskiy", "volodymyr-zelensky"),
        ("Zelenskyi", "volodymyr-zelensky"),
        ("Krasnogorks", "krasnogorsk"),
        ("Khorasn Province", "islamic-state-khorasan-province"),
    ],
)
def test_misspellings_and_transliterations_find_names(record, query, slug):
    found = slugs(Actor.objects.search(query)) + slugs(Location.objects.search(query))
    assert slug in found


def test_a_misspelt_place_finds_the_events_there(record):
    assert record.attack in Event.objects.search("Krasnogorks")
    hits = search_site("Zelenskiy").hits
    assert record.zelensky in [h.obj for h in hits["actor"]]
    assert "<mark>Zelensky</mark>" in hits["actor"][0].snippet


# --- Query syntax --------------------------------------------------------------------------


def test_websearch_syntax_or_and_exclusion(record):
    both = Actor.objects.search("Zelenskyy OR ISKP")
    assert {record.zelensky, record.iskp} <= set(both)
    assert record.attack in Event.objects.search('"Crocus City Hall"')
    assert record.attack not in Event.objects.search("Crocus -Picnic")
    assert record.attack in Event.objects.search("Crocus -Zelenskyy")
    assert record.attack not in Event.objects.search('"Hall City Crocus"')


def test_parse_query_follows_websearch_rules():
    clauses = parse_query('"moscow oblast" concert OR show -Picnic "unbalanced')
    assert [[(t.words, t.negated) for t in c] for c in clauses] == [
        [(("moscow", "oblast"), False)],
        [(("concert",), False), (("show",), False)],
        [(("picnic",), True)],
        [(("unbalanced",), False)],
    ]
    assert parse_query("!!! --- ...") == []


# --- Freshness: related names changed by any write path ------------------------------------


def test_adding_an_alias_makes_the_actor_its_events_and_claims_match(record):
    assert not Event.objects.search("Quillon").exists()
    ActorAlias.objects.create(actor=record.iskp, name="Quillon Front")
    assert record.iskp in Actor.objects.search("Quillon")
    assert record.attack in Event.objects.search("Quillon")


def test_renaming_an_actor_changes_which_events_and_claims_match(record):
    speaker = ActorFactory(name="Alpha Spokesman")
    claim = ClaimFactory(event=record.attack, speaker=speaker, text="Nothing to add.")
    event = EventFactory(title="Press briefing")
    ParticipationFactory(event=event, actor=speaker)
    assert claim in Claim.objects.search("Alpha")
    speaker.name = "Omega Spokesman"
    speaker.save()
    assert claim in Claim.objects.search("Omega")
    assert claim not in Claim.objects.search("Alpha")
    assert event in Event.objects.search("Omega")
    assert event not in Event.objects.search("Alpha")


def test_bulk_writes_keep_documents_fresh(record):
    speaker = ActorFactory(name="Bravo Ministry")
    claims = Claim.objects.bulk_create(
        [
            Claim(
                event=record.attack,
                speaker=speaker,
                kind="statement",
                text=f"Bulk statement {n}.",
                made_at=record.attack.start,
                status=Status.PUBLISHED,
            )
            for n in range(3)
        ]
    )
    assert Claim.objects.search("Bravo").count() == 3
    Actor.objects.filter(pk=speaker.pk).update(name="Charlie Ministry")
    ActorAlias.objects.bulk_create([ActorAlias(actor=speaker, name="Deltazyx Bureau")])
    assert Claim.objects.search("Charlie").count() == 3
    assert Claim.objects.search("Deltazyx").count() == 3
    assert not Claim.objects.search("Bravo").exists()
    Claim.objects.filter(pk=claims[0].pk).update(text="Changed wording about echoes.")
    assert list(Claim.objects.search("echoes")) == [claims[0]]


def test_renaming_a_place_reaches_the_events_at_places_inside_it(record):
    oblast = Location.objects.get(slug="moscow-oblast")
    assert record.attack not in Event.objects.search("Zorblatt Land")
    LocationAlias.objects.create(location=oblast, name="Zorblatt Land")
    assert record.attack in Event.objects.search("Zorblatt Land")
    Location.objects.filter(pk=oblast.pk).update(name="Moscow Qwertyregion")
    assert record.attack in Event.objects.search("Qwertyregion")


def test_removing_a_participant_removes_its_names_from_the_event(record):
    actor = ActorFactory(name="Echo Brigade")
    ParticipationFactory(event=record.attack, actor=actor)
    assert record.attack in Event.objects.search("Echo Brigade")
    Participation.objects.filter(actor=actor).delete()
    assert record.attack not in Event.objects.search("Echo Brigade")


def test_articles_are_found_by_headline_text_and_publisher(db):
    outlet = ActorFactory(name="Foxtrot News", kind="media_outlet")
    article = ArticleFactory(
        headline="Hall fire report",
        raw_text="Hall fire report.\n\nWitnesses described the smoke over the roof.",
        publisher=outlet,
    )
    assert article in Article.objects.search("Foxtrot")
    assert article in Article.objects.search("smoke roof")
    assert article in Article.objects.search("hall fire")


# --- Bad input, drafts, snippets ------------------------------------------------------------

BAD_QUERIES = [
    "",
    "   ",
    None,
    "x" * 1000,
    "Crocus " * 150,
    "!!!",
    "&|!():*<>'\\",
    '"Crocus',
    'Crocus"',
    '"',
    "-",
    "-Crocus",
    "OR",
    "Crocus OR",
    "Crocus\x00City",
    "Zelensky Зеленський 泽连斯基 زيلينسكي",
    "the of and",
    "%_%",
    "'; DROP TABLE events_event; --",
    "a " * 500,
    "x OR " * 200,
    "Zelenske\u0301nskyy",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_never_errors(record, query):
    results = search_site(query)
    assert results.message or results.total
    for model in (Event, Actor, Location, Claim, Article):
        list(model.objects.search(query)[:5])
    assert Event.objects.filter(slug=record.attack.slug).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Type a word"),
        ("!!!", "punctuation alone"),
        ("-Crocus", "cannot only exclude"),
        ("Crocus " * 150, f"first {MAX_QUERY_LENGTH} characters"),
        ("qqqxxyyzz", "Nothing matched"),
    ],
)
def test_bad_input_gets_a_clear_message(record, query, expected):
    results = search_site(query)
    assert expected in results.message
    assert len(results.query) <= MAX_QUERY_LENGTH


def test_a_long_query_still_searches_its_start(record):
    results = search_site("Crocus " + "x" * 1000)
    assert "first 200 characters" in results.message
    assert normalise_query("a" * 1000) == "a" * MAX_QUERY_LENGTH


def test_mixed_script_query_finds_the_names_it_contains(record):
    results = search_site("Zelensky Зеленський")
    assert record.zelensky in [h.obj for h in results.hits["actor"]]


def test_drafts_never_appear_for_the_public(record, staff):
    draft_event = EventFactory(title="Crocus draft investigation", status=Status.DRAFT)
    draft_actor = ActorFactory(name="Crocus Draft Witness", status=Status.REVIEW)
    draft_claim = ClaimFactory(
        event=record.attack, speaker=record.zelensky, text="Crocus draft", status=Status.DRAFT
    )
    public = search_site("Crocus")
    shown = [h.obj for hits in public.hits.values() for h in hits]
    assert record.attack in shown
    assert not {draft_event, draft_actor, draft_claim} & set(shown)
    assert draft_event not in Event.objects.public().search("Crocus")
    for_staff = search_site("Crocus", user=staff)
    shown = [h.obj for hits in for_staff.hits.values() for h in hits]
    assert {draft_event, draft_actor, draft_claim} <= set(shown)


def test_snippets_escape_everything_and_mark_matches(db):
    ActorFactory(name="Golf Group", description='<script>alert("Golf")</script> & Golf fans')
    snippet = search_site("Golf").hits["actor"][0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;alert(&quot;<mark>Golf</mark>&quot;)&lt;/script&gt; &amp;" in snippet
    assert snippet.count("<mark>") == 2


def test_highlight_excerpts_long_text_around_the_first_match():
    text = "word " * 200 + "the Krasnogorsk venue " + "word " * 200
    snippet = highlight(text, positive_terms(parse_query("krasnogórsk")))
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>Krasnogorsk</mark>" in snippet
    assert len(snippet) < 300


def _add_crocus_rows(record, start, count):
    for n in range(start, start + count):
        actor = ActorFactory(name=f"Crocus Fan Club {n}")
        ActorAliasFactory(actor=actor, name=f"Crocus Fans {n}")
        place = LocationFactory(name=f"Crocus Annex {n}")
        LocationAlias.objects.create(location=place, name=f"Crocus Wing {n}")
        ClaimFactory(event=record.attack, speaker=actor, text=f"Crocus remark {n}")
        ArticleFactory(headline=f"Crocus report {n}")
        EventFactory(title=f"Crocus vigil {n}", location=place)


def test_search_site_query_count_is_constant(record, django_assert_num_queries):
    _add_crocus_rows(record, 0, 1)
    # Five kinds, aliases of actors and of places; then the names close to the query: on
    # SQLite once for all kinds (rapidfuzz), on PostgreSQL once per kind ranked by its own
    # names (events, actors, places: pg_trgm's names branch runs before the ranked query).
    expected = 10 if connection.vendor == "postgresql" else 8
    with django_assert_num_queries(expected):
        search_site("Crocus")
    _add_crocus_rows(record, 1, 15)
    with django_assert_num_queries(expected):
        results = search_site("Crocus")
    assert all(len(hits) >= 16 for hits in results.hits.values())


def test_search_queryset_keeps_the_callers_filters(record):
    other = EventFactory(title="Crocus memorial concert", event_type="mourning")
    attacks = search_queryset(Event.objects.filter(event_type="attack"), "Crocus")
    assert record.attack in attacks
    assert other not in attacks


# --- Ranking --------------------------------------------------------------------------------


def test_a_name_ranks_above_a_passing_mention(db):
    mention = ActorFactory(name="Hotel Owner", description="Owns a hotel near the Quasar hall.")
    named = ActorFactory(name="Quasar Group")
    assert list(Actor.objects.search("Quasar"))[:2] == [named, mention]


def test_title_ranks_above_summary(db):
    in_summary = EventFactory(title="Fire at a market", summary="Later called the Juliet fire.")
    in_title = EventFactory(title="Juliet fire", summary="A fire.")
    assert list(Event.objects.search("Juliet"))[:2] == [in_title, in_summary]


@pytest.mark.postgres(reason="the candidate cap applies to the PostgreSQL ranking")
def test_only_the_newest_candidates_are_ranked(record):
    claims = [
        ClaimFactory(event=record.attack, speaker=record.zelensky, text=f"Kilo {n}")
        for n in range(12)
    ]
    found = list(search_queryset(Claim.objects.all(), "kilo", candidates=5))
    assert sorted(c.pk for c in found) == sorted(c.pk for c in claims[-5:])


def _sql_ranks(table: str, query: str, pks: list[int]) -> dict[int, tuple[float, float]]:
    """(text rank, names' similarity) of rows, straight from PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(search_vector, websearch_to_tsquery('newsbase', %s))::float8,"
            f" word_similarity(newsbase_fold(%s), search_names)::float8 FROM {table}"
            " WHERE id = ANY(%s)",
            [query, query, pks],
        )
        return {pk: (text, names) for pk, text, names in cursor.fetchall()}


@pytest.mark.postgres(reason="pg_trgm's names branch ranks only on PostgreSQL")
def test_only_names_that_resemble_the_query_add_to_the_rank(db, django_assert_num_queries):
    named = ActorFactory(name="Quasar Group")
    mention = ActorFactory(name="Quasimodo Hotel", description="A hotel near the Quasar hall.")
    misspelt = ActorFactory(name="Quasarr Holdings")  # no word matches: found by its name alone
    # The names close to the query first, then the ranked rows: two queries.
    with django_assert_num_queries(2):
        found = {a.pk: a.search_rank for a in Actor.objects.search("Quasar")}
    assert set(found) == {named.pk, mention.pk, misspelt.pk}
    sql = _sql_ranks("events_actor", "Quasar", list(found))
    # A name that resembles the query adds half its similarity to the text's rank...
    for actor in (named, misspelt):
        text, names = sql[actor.pk]
        assert names > 0.6 and found[actor.pk] == pytest.approx(text + 0.5 * names)
    assert sql[misspelt.pk][0] == 0
    # ...a name that merely shares a few letters with it adds nothing.
    text, names = sql[mention.pk]
    assert 0 < names < 0.6 and found[mention.pk] == pytest.approx(text)


@pytest.mark.postgres(reason="pg_trgm's names branch ranks only on PostgreSQL")
def test_a_query_for_exact_words_ranks_in_one_query(db, django_assert_num_queries):
    ActorFactory(name="Quasar Group")
    with django_assert_num_queries(1):  # quotes ask for exactly these words: no names branch
        assert len(list(Actor.objects.search('"Quasar Group"'))) == 1


@pytest.mark.postgres(reason="documents are stored only on PostgreSQL")
def test_documents_are_stored_and_indexed(record):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text, search_names FROM events_actor WHERE id = %s",
            [record.iskp.pk],
        )
        vector, names = cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'events_claim' "
            "AND indexname LIKE 'events_claim_search_%%'"
        )
        indexes = [row[0] for row in cursor.fetchall()]
    assert "'iskp':" in vector
    assert "islamic state - khorasan province" in names  # unaccent folds the dash too
    assert any("USING gin (search_vector)" in d for d in indexes)
    assert any("gin_trgm_ops" in d for d in indexes)


@pytest.mark.parametrize("query", ["Crocus", "Zelenskyy", "attack -Kyiv", "Khorasan OR Shoigu"])
def test_unranked_search_finds_the_same_rows_without_ranking(record, query):
    """ranked=False (the API's q=, which orders by its own `ordering`) changes no result."""
    found = 0
    for model in (Event, Actor, Claim, Article, Location):
        ranked = sorted(model.objects.search(query).values_list("pk", flat=True))
        unranked = model.objects.search(query, ranked=False)
        assert sorted(unranked.values_list("pk", flat=True)) == ranked
        sql = str(unranked.query)
        assert "ts_rank" not in sql and "WORD_SIMILARITY(" not in sql
        found += len(ranked)
    assert found > 0
