"""Search documents on PostgreSQL: stored, GIN-indexed, kept fresh by triggers.

Every searchable table (event, actor, location, claim, article) gets two columns that Django
does not model (so forms, serializers and the admin never see them):

* ``search_vector`` (tsvector): the row's own text and its related names, weighted
  A (names, titles, claim text) > B > C > D (long text), in the ``newsbase`` text search
  configuration (English stemming with accents removed by ``unaccent``);
* ``search_names`` (text): the names the row is known by, accent-folded and lower-cased by
  ``newsbase_fold()``, for pg_trgm matching of misspellings and transliterations.

Triggers fill both on every write path — ORM saves, ``bulk_create``, ``QuerySet.update``,
raw SQL, COPY — and cascade to dependent rows when a name changes (renaming an actor or adding
an alias refreshes its events, claims and articles). docs/search.md explains the choice.

On any other database this migration does nothing: events/search/portable.py searches the live rows.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

TABLES = ["location", "actor", "event", "claim", "article"]

FORWARD_SQL = r"""
-- unaccent() is only STABLE (its dictionary could change); this wrapper names the dictionary
-- explicitly and is declared IMMUTABLE so it can feed stored columns and indexes.
CREATE OR REPLACE FUNCTION newsbase_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- English stemming with accents removed before stemming (Zelenskýy ≡ Zelenskyy).
CREATE TEXT SEARCH CONFIGURATION newsbase (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION newsbase
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;

ALTER TABLE events_location ADD COLUMN search_vector tsvector, ADD COLUMN search_names text;
ALTER TABLE events_actor    ADD COLUMN search_vector tsvector, ADD COLUMN search_names text;
ALTER TABLE events_event    ADD COLUMN search_vector tsvector, ADD COLUMN search_names text;
ALTER TABLE events_claim    ADD COLUMN search_vector tsvector, ADD COLUMN search_names text;
ALTER TABLE events_article  ADD COLUMN search_vector tsvector, ADD COLUMN search_names text;

-- Names of one actor (name and every alias), space-separated.
CREATE OR REPLACE FUNCTION newsbase_actor_names(actor bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
        (SELECT name FROM events_actor WHERE id = actor),
        (SELECT string_agg(name, ' ' ORDER BY id) FROM events_actoralias WHERE actor_id = actor))
$$;

-- Names of a place and of every place it lies in (Crocus City Hall, Krasnogorsk, Moscow
-- Oblast, Russia), with their aliases.
CREATE OR REPLACE FUNCTION newsbase_place_chain_names(place bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain(id, parent_id, depth) AS (
        SELECT id, parent_id, 1 FROM events_location WHERE id = place
        UNION ALL
        SELECT l.id, l.parent_id, c.depth + 1
        FROM events_location l JOIN chain c ON l.id = c.parent_id
        WHERE c.depth < 12
    )
    SELECT string_agg(n.name, ' ' ORDER BY n.depth, n.ord)
    FROM (
        SELECT c.depth, 0 AS ord, l.name FROM chain c JOIN events_location l ON l.id = c.id
        UNION ALL
        SELECT c.depth, a.id AS ord, a.name
        FROM chain c JOIN events_locationalias a ON a.location_id = c.id
    ) n
$$;

-- Own-row documents, computed before the row is written.
CREATE OR REPLACE FUNCTION newsbase_location_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE names text;
BEGIN
    names := concat_ws(' ', NEW.name,
        (SELECT string_agg(name, ' ' ORDER BY id) FROM events_locationalias
         WHERE location_id = NEW.id));
    NEW.search_vector :=
        setweight(to_tsvector('newsbase', names), 'A')
        || setweight(to_tsvector('newsbase', concat_ws(' ', NEW.address, NEW.description)), 'C');
    NEW.search_names := newsbase_fold(names);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION newsbase_actor_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE names text;
BEGIN
    names := concat_ws(' ', NEW.name,
        (SELECT string_agg(name, ' ' ORDER BY id) FROM events_actoralias
         WHERE actor_id = NEW.id));
    NEW.search_vector :=
        setweight(to_tsvector('newsbase', names), 'A')
        || setweight(to_tsvector('newsbase', coalesce(NEW.description, '')), 'C');
    NEW.search_names := newsbase_fold(names);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION newsbase_event_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE places text; actors text;
BEGIN
    places := CASE WHEN NEW.location_id IS NULL THEN ''
                   ELSE newsbase_place_chain_names(NEW.location_id) END;
    SELECT string_agg(newsbase_actor_names(p.actor_id), ' ' ORDER BY p.actor_id)
        INTO actors
        FROM (SELECT DISTINCT actor_id FROM events_participation WHERE event_id = NEW.id) p;
    NEW.search_vector :=
        setweight(to_tsvector('newsbase', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('newsbase', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('newsbase', concat_ws(' ', places, actors)), 'C');
    NEW.search_names := newsbase_fold(concat_ws(' ', NEW.title, places, actors));
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION newsbase_claim_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE speaker text;
BEGIN
    speaker := newsbase_actor_names(NEW.speaker_id);
    NEW.search_vector :=
        setweight(to_tsvector('newsbase', coalesce(NEW.text, '')), 'A')
        || setweight(to_tsvector('newsbase', coalesce(speaker, '')), 'B')
        || setweight(to_tsvector('newsbase', coalesce(NEW.venue, '')), 'D');
    NEW.search_names := newsbase_fold(coalesce(speaker, ''));
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION newsbase_article_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE publisher text;
BEGIN
    publisher := CASE WHEN NEW.publisher_id IS NULL THEN ''
                      ELSE newsbase_actor_names(NEW.publisher_id) END;
    NEW.search_vector :=
        setweight(to_tsvector('newsbase', coalesce(NEW.headline, '')), 'A')
        || setweight(to_tsvector('newsbase', concat_ws(' ', NEW.byline, publisher)), 'B')
        || setweight(to_tsvector('newsbase', coalesce(NEW.clean_text, '')), 'D');
    NEW.search_names := newsbase_fold(concat_ws(' ', NEW.headline, publisher));
    RETURN NEW;
END $$;

-- "Touching" a row (SET search_names = search_names) re-runs its BEFORE trigger.
CREATE TRIGGER newsbase_location_doc BEFORE INSERT OR UPDATE
    OF name, address, description, search_names ON events_location
    FOR EACH ROW EXECUTE FUNCTION newsbase_location_doc();
CREATE TRIGGER newsbase_actor_doc BEFORE INSERT OR UPDATE
    OF name, description, search_names ON events_actor
    FOR EACH ROW EXECUTE FUNCTION newsbase_actor_doc();
CREATE TRIGGER newsbase_event_doc BEFORE INSERT OR UPDATE
    OF title, summary, location_id, search_names ON events_event
    FOR EACH ROW EXECUTE FUNCTION newsbase_event_doc();
CREATE TRIGGER newsbase_claim_doc BEFORE INSERT OR UPDATE
    OF text, venue, speaker_id, search_names ON events_claim
    FOR EACH ROW EXECUTE FUNCTION newsbase_claim_doc();
CREATE TRIGGER newsbase_article_doc BEFORE INSERT OR UPDATE
    OF headline, byline, clean_text, publisher_id, search_names ON events_article
    FOR EACH ROW EXECUTE FUNCTION newsbase_article_doc();

-- Cascades: an alias changes its owner's names; a changed name changes its dependants.
CREATE OR REPLACE FUNCTION newsbase_actoralias_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events_actor SET search_names = search_names
    WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.actor_id END,
                 CASE WHEN TG_OP <> 'DELETE' THEN NEW.actor_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER newsbase_actoralias_changed AFTER INSERT OR UPDATE OR DELETE
    ON events_actoralias FOR EACH ROW EXECUTE FUNCTION newsbase_actoralias_changed();

CREATE OR REPLACE FUNCTION newsbase_locationalias_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events_location SET search_names = search_names
    WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.location_id END,
                 CASE WHEN TG_OP <> 'DELETE' THEN NEW.location_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER newsbase_locationalias_changed AFTER INSERT OR UPDATE OR DELETE
    ON events_locationalias FOR EACH ROW EXECUTE FUNCTION newsbase_locationalias_changed();

CREATE OR REPLACE FUNCTION newsbase_participation_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events_event SET search_names = search_names
    WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.event_id END,
                 CASE WHEN TG_OP <> 'DELETE' THEN NEW.event_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER newsbase_participation_changed AFTER INSERT OR UPDATE OR DELETE
    ON events_participation FOR EACH ROW EXECUTE FUNCTION newsbase_participation_changed();

CREATE OR REPLACE FUNCTION newsbase_actor_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events_event SET search_names = search_names
    WHERE id IN (SELECT event_id FROM events_participation WHERE actor_id = NEW.id);
    UPDATE events_claim SET search_names = search_names WHERE speaker_id = NEW.id;
    UPDATE events_article SET search_names = search_names WHERE publisher_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER newsbase_actor_renamed AFTER UPDATE ON events_actor
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names)
    EXECUTE FUNCTION newsbase_actor_renamed();

-- A place's names reach the events at it and at every place inside it.
CREATE OR REPLACE FUNCTION newsbase_location_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH RECURSIVE below(id, depth) AS (
        SELECT NEW.id, 1
        UNION ALL
        SELECT l.id, b.depth + 1 FROM events_location l JOIN below b ON l.parent_id = b.id
        WHERE b.depth < 12
    )
    UPDATE events_event SET search_names = search_names
    WHERE location_id IN (SELECT id FROM below);
    RETURN NULL;
END $$;
CREATE TRIGGER newsbase_location_renamed AFTER UPDATE ON events_location
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names
                       OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION newsbase_location_renamed();

-- fastupdate off: writes are few, and a pending list would make every search scan it.
CREATE INDEX events_location_search_vector ON events_location USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_actor_search_vector ON events_actor USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_event_search_vector ON events_event USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_claim_search_vector ON events_claim USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_article_search_vector ON events_article USING gin (search_vector)
    WITH (fastupdate = off);
CREATE INDEX events_location_search_names ON events_location USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX events_actor_search_names ON events_actor USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX events_event_search_names ON events_event USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX events_claim_search_names ON events_claim USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX events_article_search_names ON events_article USING gin (search_names gin_trgm_ops)
    WITH (fastupdate = off);

-- Misspelt names reach claims and articles through their actor: newest rows per actor.
CREATE INDEX events_claim_speaker_newest ON events_claim (speaker_id, id);
CREATE INDEX events_article_publisher_newest ON events_article (publisher_id, id);

-- Documents for rows that already exist (places and actors first: the others read them).
UPDATE events_location SET search_names = search_names;
UPDATE events_actor SET search_names = search_names;
UPDATE events_event SET search_names = search_names;
UPDATE events_claim SET search_names = search_names;
UPDATE events_article SET search_names = search_names;
"""

BACKWARD_SQL = r"""
DROP TRIGGER IF EXISTS newsbase_location_renamed ON events_location;
DROP TRIGGER IF EXISTS newsbase_actor_renamed ON events_actor;
DROP TRIGGER IF EXISTS newsbase_participation_changed ON events_participation;
DROP TRIGGER IF EXISTS newsbase_locationalias_changed ON events_locationalias;
DROP TRIGGER IF EXISTS newsbase_actoralias_changed ON events_actoralias;
DROP TRIGGER IF EXISTS newsbase_article_doc ON events_article;
DROP TRIGGER IF EXISTS newsbase_claim_doc ON events_claim;
DROP TRIGGER IF EXISTS newsbase_event_doc ON events_event;
DROP TRIGGER IF EXISTS newsbase_actor_doc ON events_actor;
DROP TRIGGER IF EXISTS newsbase_location_doc ON events_location;
DROP FUNCTION IF EXISTS newsbase_location_renamed(), newsbase_actor_renamed(),
    newsbase_participation_changed(), newsbase_locationalias_changed(),
    newsbase_actoralias_changed(), newsbase_article_doc(), newsbase_claim_doc(),
    newsbase_event_doc(), newsbase_actor_doc(), newsbase_location_doc(),
    newsbase_place_chain_names(bigint), newsbase_actor_names(bigint);
DROP INDEX IF EXISTS events_claim_speaker_newest, events_article_publisher_newest;
ALTER TABLE events_location DROP COLUMN search_vector, DROP COLUMN search_names;
ALTER TABLE events_actor    DROP COLUMN search_vector, DROP COLUMN search_names;
ALTER TABLE events_event    DROP COLUMN search_vector, DROP COLUMN search_names;
ALTER TABLE events_claim    DROP COLUMN search_vector, DROP COLUMN search_names;
ALTER TABLE events_article  DROP COLUMN search_vector, DROP COLUMN search_names;
DROP TEXT SEARCH CONFIGURATION IF EXISTS newsbase;
DROP FUNCTION IF EXISTS newsbase_fold(text);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("events", "0002_claim_figure_as_of_precision")]

    operations = [
        # Both are no-ops on databases other than PostgreSQL.
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(_on_postgresql(FORWARD_SQL), _on_postgresql(BACKWARD_SQL)),
    ]
