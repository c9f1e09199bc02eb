"""Routes declared with their OpenAPI operations (``route``, ``operation``) and the document built from them."""

from ftserver.api.openapi.document import OPENAPI_PATH, ApiRoute, build_document, documented_routes
from ftserver.api.openapi.operation import CONFLICT, WRONG_MODE, Operation
from ftserver.api.openapi.route import API_V1, RouteDeclaration, RouteTable, declaration_of, require_declared

__all__ = [
    "API_V1",
    "CONFLICT",
    "OPENAPI_PATH",
    "WRONG_MODE",
    "ApiRoute",
    "Operation",
    "RouteDeclaration",
    "RouteTable",
    "build_document",
    "declaration_of",
    "documented_routes",
    "require_declared",
]
