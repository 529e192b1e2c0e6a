"""``fields=`` / ``omit=``: choose the fields of a response, nested ones by dotted names.

    ?fields=slug,title,location.name,claims.speaker.name
    ?omit=claims.sources,participants

Names are checked against the serializer's own field tree, so a typo is a 400 naming it.
Selection happens on the serialized data: it shapes the payload, not the queries.
"""

import functools

from drf_spectacular.drainage import get_override
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

Tree = dict[str, "Tree | None"]


def field_tree(serializer) -> Tree:
    """The names a serializer serves, nested; computed once per serializer class."""
    return _class_tree(type(serializer))


@functools.cache
def _class_tree(cls) -> Tree:
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
    """``"a,b.c"`` → ``{"a": {}, "b": {"c": {}}}`` (``{}``: the whole field); None if absent."""
    if raw is None or not raw.strip():
        return None
    selection: dict = {}
    unknown = []
    for path in (p.strip() for p in raw.split(",")):
        if not path:
            continue
        node, level = selection, tree
        for part in path.split("."):
            if level is None or part not in level:
                unknown.append(path)
                break
            level = level[part]
            node = node.setdefault(part, {})
        else:
            continue
    if unknown:
        known = ", ".join(sorted(tree))
        raise ValidationError(
            {
                param: [
                    f"Unknown field “{name}”. Fields here: {known} (nested ones as parent.child)."
                    for name in unknown
                ]
            }
        )
    return selection


def select(data, include: dict | None, exclude: dict | None):
    """Keep ``include`` (None: everything), then drop ``exclude`` (``{}`` leaves: whole)."""
    if isinstance(data, list):
        return [select(item, include, exclude) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
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
