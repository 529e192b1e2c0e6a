"""OpenAPI generation (drf-spectacular): every error response, the GeoJSON variants, and a
document strict OpenAPI 3.0 validators accept.

``ApiAutoSchema`` adds the shared error shape (events.api.errors.ErrorSerializer) for each
status an operation can answer with, and replaces the schema of ``application/geo+json``
responses (which spectacular would otherwise document as the JSON shape), and gives
``fields`` / ``omit`` the names each operation takes (an enum component per serializer).
:func:`strict_contract` (a post-processing hook) marks what is required and writes
nullability the way OpenAPI 3.0 validators (openapi-core) read it; tests/api/contract.py
checks every response of the API tests against the result.
"""

from collections.abc import Iterator

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from . import geojson
from .errors import ErrorSerializer

ERRORS = {
    "400": "Invalid query parameter (unknown, repeated or malformed); see errors.",
    "401": "Invalid or inactive token.",
    "404": "No such object, or not visible to you (drafts and withdrawn objects).",
    "406": "The Accept header asks for a media type this endpoint cannot produce.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


#: ``fields=`` / ``omit=``: what each says; the names come from the view's field tree.
SELECTION = {
    "fields": "Fields to return, comma-separated; nested ones as parent.child (e.g. "
    "slug,title,location.name). The object's identity (id, slug) is always given.",
    "omit": "Fields to leave out, comma-separated; nested ones as parent.child. The "
    "object's identity (id, slug) cannot be left out.",
}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        """``fields`` and ``omit`` as arrays of the names this operation accepts
        (events.api.fields.selection_names), written comma-separated (form, not exploded)."""
        parameters = list(super().get_override_parameters())
        names_of = getattr(self.view, "selection_names", None)
        if names_of is None or self.method != "GET":
            return parameters
        serializer = self.view.get_serializer_class().__name__.removesuffix("Serializer")
        for param, description in SELECTION.items():
            names = names_of(param)
            suffix = "Field" if param == "fields" else "OmittableField"
            component = ResolvedComponent(
                name=f"{serializer}{suffix}",
                type=ResolvedComponent.SCHEMA,
                object=f"{serializer}{suffix}",
                schema={
                    "type": "string",
                    "enum": names,
                    "description": f"A field name ``{param}=`` takes for {serializer}.",
                },
            )
            self.registry.register_on_missing(component)
            schema = {"type": "array", "items": component.ref, "minItems": 1}
            parameters.append(
                OpenApiParameter(
                    param, schema, description=description, style="form", explode=False
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        self._document_geojson(responses, direction)
        error_ref = self.resolve_serializer(ErrorSerializer, direction).ref
        for code, description in ERRORS.items():
            if code == "404" and self._is_list_view() and "{" not in self.path:
                continue  # a list under an object's path (…/{id}/deliveries/) can 404
            if code in responses:
                continue
            response = {
                "description": description,
                "content": {"application/json": {"schema": error_ref}},
            }
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before the next request.",
                    }
                }
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "description": "The authentication scheme (Token).",
                    }
                }
            responses[code] = response
        if self._moves(responses):
            responses["301"] = {
                "description": "The record was merged into another: Location gives the "
                "survivor's URL (with the same query). Follow it.",
                "headers": {
                    "Location": {
                        "schema": {"type": "string", "format": "uri"},
                        "description": "The record it was merged into.",
                    }
                },
            }
        # Answered by gunicorn before Django sees the request (limit_request_line), as HTML.
        responses.setdefault(
            "414",
            {
                "description": "The URL is longer than the server accepts (4094 bytes).",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
        )
        return responses

    def _moves(self, responses) -> bool:
        """A detail looked up by slug: a merged record's old slug answers 301
        (events.api.base.ApiViewSet.moved_to)."""
        return (
            "200" in responses
            and not self._is_list_view()
            and "{slug}" in self.path
            and self.method == "GET"
            and hasattr(self.view, "moved_to")
        )

    def _document_geojson(self, responses, direction):
        ok = responses.get("200", {}).get("content", {})
        if geojson.MEDIA_TYPE not in ok:
            return
        serializer = self._get_serializer()
        if hasattr(serializer, "child"):
            serializer = serializer.child
        properties = self.resolve_serializer(serializer, direction).ref
        if self._is_list_view():
            ok[geojson.MEDIA_TYPE]["schema"] = geojson.collection_schema(properties)
        else:
            ok[geojson.MEDIA_TYPE]["schema"] = geojson.feature_schema(properties)


#: Fields that identify an object: ``fields=`` / ``omit=`` always keep them
#: (events.api.fields), so the schema can require them wherever they appear.
IDENTITY = ("id", "slug")


#: Query parameters whose empty value means something: ``cursor=`` is the first page (a
#: page's ``previous_cursor`` is ``""`` when the previous page is the first). Any other
#: parameter given empty is a 400, never read as absent (an empty ``modified_since=`` once
#: returned everything): events.api.base.StrictQueryMixin refuses it, and
#: :func:`_query_constraints` writes ``minLength: 1``.
EMPTY_ALLOWED = frozenset({"cursor"})

#: The years a date or time parameter may name (events.dates: 1 January 1900 to 31 December
#: 2100). OpenAPI's ``date`` and ``date-time`` formats have no range; a pattern beside them
#: does, so a client (and schemathesis) knows ``as_of=0229-04-08`` is refused.
YEAR_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"


def _query_constraints(operation: dict) -> None:
    """What the API refuses in a query parameter, as far as OpenAPI can say it: empty values
    (``minLength``) and years outside events.dates' range (a ``pattern``)."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema")
        if parameter.get("in") != "query" or not isinstance(schema, dict):
            continue
        if schema.get("type") != "string" or "enum" in schema:
            continue
        if schema.get("format") in ("date", "date-time"):
            schema.setdefault("pattern", YEAR_PATTERN)
        if parameter["name"] not in EMPTY_ALLOWED:
            schema.setdefault("minLength", 1)


def _refs(node) -> set[str]:
    """The component names ``node`` refers to, directly."""
    found = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _selectable(result) -> set[str]:
    """Components a ``fields=`` / ``omit=`` response can shape: everything the 200
    responses of operations taking ``fields`` reach, except their page envelopes."""
    schemas = result.get("components", {}).get("schemas", {})
    todo = set()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "fields" in names:
                todo |= _refs(operation.get("responses", {}).get("200", {}))
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo |= _refs(schemas[name])
    return {name for name in seen if not name.startswith("Paginated")}


def _null_branch(branches: list) -> dict:
    """The schema of ``null`` alone, typed like its siblings (3.0 needs a ``type``)."""
    types = {b.get("type") for b in branches}
    kind = types.pop() if len(types) == 1 and None not in types else "object"
    return {"type": kind, "nullable": True, "enum": [None], "description": "None."}


def _each_object(node) -> Iterator[dict]:
    """Every JSON object in the document, innermost first (a parent sees its children
    already rewritten)."""
    if isinstance(node, list):
        for value in node:
            yield from _each_object(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _each_object(value)
        yield node


def _strict_nullable(node: dict) -> None:
    """OpenAPI 3.0 reads ``nullable`` only beside a ``type``; spectacular writes it beside
    ``allOf`` / ``oneOf`` (a nullable reference, a nullable blank-or-value string), which
    strict validators read as "never null". Null becomes a ``oneOf`` branch of its own."""
    composed = "allOf" in node or "oneOf" in node or "anyOf" in node
    if composed and node.get("nullable") and "type" not in node:
        del node["nullable"]
        if "allOf" in node and len(node["allOf"]) == 1:
            node["oneOf"] = node.pop("allOf")
        if "allOf" in node:
            node["oneOf"] = [{"allOf": node.pop("allOf")}]
        branches = node.get("oneOf") or node["anyOf"]
        # A nullable choice already has its null branch (spectacular's NullEnum): a second
        # one would make null match twice, which oneOf forbids.
        if not any(b.get("$ref", "").endswith("/NullEnum") for b in branches):
            branches.append(_null_branch(branches))


def _disjoint_blank(node: dict) -> None:
    """A blank-or-value string is ``oneOf`` [the value, ``maxLength: 0``]; ``""`` also
    matches a value branch that has no ``minLength`` (a URI or free text), and then matches
    both, which ``oneOf`` forbids. The value branches get ``minLength: 1``."""
    branches = node.get("oneOf")
    if not isinstance(branches, list):
        return
    blank = [b for b in branches if b.get("type") == "string" and b.get("maxLength") == 0]
    if not blank:
        return
    for branch in branches:
        if branch.get("type") == "string" and branch.get("maxLength") != 0:
            branch.setdefault("minLength", 1)


def strict_contract(result, generator, request, public):
    """Post-processing hook: a document strict OpenAPI 3.0 validators and generated clients
    read as the API behaves (issue 15).

    - ``required``: resources shaped by ``fields=`` / ``omit=`` require only their identity
      (``id``, ``slug``), which a selection always keeps; every other schema (pages, errors,
      the feeds, webhooks, exports) keeps spectacular's list of what is always there.
    - nullability as 3.0 reads it (:func:`_strict_nullable`), blank-or-value strings whose
      branches do not overlap (:func:`_disjoint_blank`), and a ``type`` on value-only enums.
    - query parameters that say what is refused: no empty values, years 1900–2100
      (:func:`_query_constraints`).
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name in _selectable(result):
        component = schemas[name]
        required = [f for f in IDENTITY if f in component.get("properties", {})]
        if required:
            component["required"] = required
        else:
            component.pop("required", None)
    for component in schemas.values():
        values = component.get("enum")
        if values and "type" not in component and all(isinstance(v, str) for v in values):
            component["type"] = "string"
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _query_constraints(operation)
    for node in list(_each_object(result)):
        _strict_nullable(node)
        _disjoint_blank(node)
    return result
