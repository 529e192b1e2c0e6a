"""Only published actors and places lend their names to other rows' search documents.

A published event must not be findable by the name of a draft participant or a draft place
(drafts never leak to readers). Changing an actor's or a place's status now refreshes the
documents that borrow its names, as renaming it already did.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION newsbase_actor_names(actor bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
        (SELECT name FROM events_actor WHERE id = actor AND status = 'published'),
        (SELECT string_agg(a.name, ' ' ORDER BY a.id)
         FROM events_actoralias a JOIN events_actor o ON o.id = a.actor_id
         WHERE a.actor_id = actor AND o.status = 'published'))
$$;

CREATE OR REPLACE FUNCTION newsbase_place_chain_names(place bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain(id, parent_id, depth) AS (
        SELECT id, parent_id, 1 FROM events_location WHERE id = place
        UNION ALL
        SELECT l.id, l.parent_id, c.depth + 1
        FROM events_location l JOIN chain c ON l.id = c.parent_id
        WHERE c.depth < 12
    ),
    public_chain AS (
        SELECT c.id, c.depth FROM chain c JOIN events_location l ON l.id = c.id
        WHERE l.status = 'published'
    )
    SELECT string_agg(n.name, ' ' ORDER BY n.depth, n.ord)
    FROM (
        SELECT c.depth, 0 AS ord, l.name FROM public_chain c JOIN events_location l ON l.id = c.id
        UNION ALL
        SELECT c.depth, a.id AS ord, a.name
        FROM public_chain c JOIN events_locationalias a ON a.location_id = c.id
    ) n
$$;

DROP TRIGGER IF EXISTS newsbase_actor_renamed ON events_actor;
CREATE TRIGGER newsbase_actor_renamed AFTER UPDATE ON events_actor
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION newsbase_actor_renamed();

DROP TRIGGER IF EXISTS newsbase_location_renamed ON events_location;
CREATE TRIGGER newsbase_location_renamed AFTER UPDATE ON events_location
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names
                       OR OLD.parent_id IS DISTINCT FROM NEW.parent_id
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION newsbase_location_renamed();

-- Refresh every document that borrows names, once, under the new rule.
UPDATE events_event SET search_names = search_names;
UPDATE events_claim SET search_names = search_names;
UPDATE events_article SET search_names = search_names;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION newsbase_actor_names(actor bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
        (SELECT name FROM events_actor WHERE id = actor),
        (SELECT string_agg(name, ' ' ORDER BY id) FROM events_actoralias WHERE actor_id = actor))
$$;

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

DROP TRIGGER IF EXISTS newsbase_actor_renamed ON events_actor;
CREATE TRIGGER newsbase_actor_renamed AFTER UPDATE ON events_actor
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names)
    EXECUTE FUNCTION newsbase_actor_renamed();

DROP TRIGGER IF EXISTS newsbase_location_renamed ON events_location;
CREATE TRIGGER newsbase_location_renamed AFTER UPDATE ON events_location
    FOR EACH ROW WHEN (OLD.search_names IS DISTINCT FROM NEW.search_names
                       OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION newsbase_location_renamed();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("events", "0005_cache_table")]

    operations = [migrations.RunPython(forward, backward)]
