"""Validate a compose file against the vendored Compose Specification schema.

Used by tests/test_deploy.py and, as a command, by CI (no Docker engine runs there):

    .venv/bin/python -m tests.compose_spec docker-compose.yml
"""

import json
import sys
from pathlib import Path

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "compose-spec.json"


def load_schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def compose_errors(document: object, schema: dict | None = None) -> list[str]:
    """Every schema violation in a parsed compose document, as 'path: message' lines."""
    validator = jsonschema.Draft7Validator(schema or load_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"{'.'.join(str(part) for part in error.absolute_path) or '<root>'}: {error.message}"
        for error in errors
    ]


def main(argv: list[str]) -> int:
    paths = argv or ["docker-compose.yml"]
    failed = False
    for path in paths:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        errors = compose_errors(document)
        for line in errors:
            print(f"{path}: {line}", file=sys.stderr)
        failed = failed or bool(errors)
        if not errors:
            print(f"{path}: valid against the Compose Specification schema")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
