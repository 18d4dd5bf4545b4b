"""The schema's errors: every operation may answer them, always as {"error": "...", "errors": {...}}."""

ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {"type": "object", "additionalProperties": {}, "description": "The problems, by field."},
    },
    "required": ["error"],
}
ERRORS = {
    "400": "The request is not valid (a query parameter or the body).",
    "401": "The token is unknown or revoked.",
    "403": "You may not do this (a read-only token, or not your role).",
    "404": "Nothing here, or nothing you may see.",
    "429": "Too many requests: wait the Retry-After seconds.",
}


def error_responses(result, generator, request, public):
    """Add the error answers every operation may give, with the one error body, to the schema (a drf-spectacular hook)."""
    result["components"].setdefault("schemas", {}).setdefault("Error", ERROR)
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result["paths"].values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": description, "content": {"application/json": {"schema": reference}}})
    return result
