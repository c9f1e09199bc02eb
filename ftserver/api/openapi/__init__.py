"""The OpenAPI 3 document: the operations table (``operations``) and the builder (``document``)."""

from ftserver.api.openapi.document import OPENAPI_PATH, build_document, documented_routes
from ftserver.api.openapi.operations import OPERATIONS, Operation

__all__ = ["OPENAPI_PATH", "OPERATIONS", "Operation", "build_document", "documented_routes"]
