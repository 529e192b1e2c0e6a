"""``fields=`` / ``omit=``: choose the fields of a response, nested ones by dotted names.

    ?fields=slug,title,location.name,claims.speaker.name
    ?omit=claims.sources,participants

Names are checked against the serializer's own field tree, so a typo is a 400 naming it.
An object's identity (``id``, ``slug``) is kept at every level whatever the selection says,
so the schema can require it (events.api.schema.IDENTITY); ``omit=slug`` is a 400.
Selection shapes the payload here, and the queries too: the views ask the read layer only for
the parts the selection keeps (``ApiViewSet.wants``). :func:`selection_names` lists every
name each parameter accepts, from the same tree and rule: the OpenAPI schema's enums
(events.api.schema.ApiAutoSchema).
"""

import functools

from drf_spectacular.drainage import get_override
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from .schema import IDENTITY

Tree = dict[str, "Tree | None"]


@functools.cache
def class_field_tree(cls) -> Tree:
    """The names a serializer class serves, nested; computed once per class."""
    return _instance_tree(cls())


def _instance_tree(serializer) -> Tree:
    return {name: _subtree(field) for name, field in serializer.fields.items()}


def _subtree(field) -> Tree | None:
    if isinstance(field, serializers.ListSerializer):
        return _subtree(field.child)
    if isinstance(field, serializers.BaseSerializer):
        return _instance_tree(field)
    if isinstance(field, serializers.SerializerMethodField):
        parent = field.parent
        method = getattr(parent, field.method_name, None) if parent is not None else None
        annotated = get_override(method, "field") if method else None
        if isinstance(annotated, type) and issubclass(annotated, serializers.BaseSerializer):
            annotated = annotated()
        if isinstance(annotated, serializers.BaseSerializer):
            return _subtree(annotated)
    return None


def parse_selection(raw: str | None, tree: Tree, param: str) -> dict | None:
    """``"a,b.c"`` → ``{"a": {}, "b": {"c": {}}}`` (``{}``: the whole field); None if absent.

    A field named whole stays whole beside narrower names in it, in either order:
    ``fields=location,location.name`` returns all of location, ``omit=claims.sources,claims``
    leaves out all of claims.
    """
    if raw is None:
        return None
    selection: dict = {}
    errors = []
    for path in raw.split(","):
        if not path or path != path.strip():
            # The schema's array of names, comma-separated: an empty or padded name is none
            # of them (``fields=slug,`` once read as ``fields=slug``, ``fields=,`` as absent).
            errors.append(
                f"“{path}” is not a field name: separate names with single commas, no spaces."
            )
            continue
        parts = path.split(".")
        # node: where this path goes in the selection; None once it lies in a whole field.
        node, level, parents = selection, tree, []
        for depth, part in enumerate(parts, 1):
            if level is None:
                errors.append(f"Unknown field “{path}”: “{'.'.join(parents)}” has no fields.")
                break
            if part not in level:
                errors.append(_unknown(path, parents, level))
                break
            if param == "omit" and part in IDENTITY and part == path.split(".")[-1]:
                errors.append(f"“{path}” identifies the object: it is always given.")
                break
            parents.append(part)
            level = level[part]
            if node is None:
                continue
            if depth == len(parts):
                node[part] = {}  # the whole field, whatever narrower names said
            elif node.get(part) == {}:
                node = None  # already whole
            else:
                node = node.setdefault(part, {})
    if errors:
        raise ValidationError({param: errors})
    return selection


def selection_names(tree: Tree, param: str) -> list[str]:
    """Every name :func:`parse_selection` accepts for ``param`` (``fields`` or ``omit``):
    each field, nested ones as parent.child, in the tree's order; ``omit`` leaves out
    identity fields."""
    names = []

    def walk(level: Tree, parents: list[str]) -> None:
        for name, sub in level.items():
            if not (param == "omit" and name in IDENTITY):
                names.append(".".join([*parents, name]))
            if sub:
                walk(sub, [*parents, name])

    walk(tree, [])
    return names


def _unknown(path: str, parents: list[str], level: Tree) -> str:
    """The message for ``path``, listing the fields at the level where it went wrong."""
    known = ", ".join(sorted(level))
    if not parents:
        return f"Unknown field “{path}”. Fields here: {known} (nested ones as parent.child)."
    return f"Unknown field “{path}”. Fields of {'.'.join(parents)}: {known}."


def select(data, include: dict | None, exclude: dict | None):
    """Keep ``include`` (None: everything), then drop ``exclude`` (``{}`` leaves: whole)."""
    if isinstance(data, list):
        return [select(item, include, exclude) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key in IDENTITY:
            out[key] = value
            continue
        if include is not None and key not in include:
            continue
        sub_include = include.get(key) or None if include is not None else None
        if exclude is not None and key in exclude and not exclude[key]:
            continue
        sub_exclude = exclude.get(key) or None if exclude is not None else None
        if sub_include is None and sub_exclude is None:
            out[key] = value
        else:
            out[key] = select(value, sub_include, sub_exclude)
    return out
