"""The API's error answers in its OpenAPI schema, written once for every operation.

Every operation documents every error status the API answers (400, 401, 403, 404, 409, 413, 422,
429), all in the one error shape: which of them a given call gets depends on its input, its caller
and the records it names, not on the operation alone, so client generators and contract tests can
rely on the list being the same everywhere.
"""

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "Every 4xx (and 5xx) answer: a message, a stable code, and the fields at fault.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the caller's language"},
        "code": {"type": "string", "description": "Stable, e.g. `invalid`, `stale_version`, `forbidden`"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "description": "e.g. `customer.phone`, `version`, `body`"},
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail", "code", "errors"],
}

ERROR_ANSWERS = {
    400: "The request could not be read (not JSON, a NUL character).",
    401: "No valid token or API key.",
    403: "The caller's role, or their part in the record, does not allow this.",
    404: "No such record, or none the caller may see.",
    409: "The record changed since it was read (`version`), or its state does not allow this.",
    413: "The body or a file is too large.",
    422: "The input breaks a rule: `errors` names each field at fault and why.",
    429: "Too many of these requests: try again later.",
}


def with_error_answers(schema: dict) -> dict:
    """`schema` with the error shape as a component and every error status on every operation."""
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                responses[status] = {"description": description, "content": {"application/json": {"schema": reference}}}
    return schema
