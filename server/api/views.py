"""The published documents: public (no login), JSON, generated at each request from the
server's own definitions."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .asyncapi import asyncapi_document
from .openapi import openapi_document


@require_GET
def api_schema(request: HttpRequest) -> JsonResponse:
    """``GET /api/schema/``: the HTTP API (OpenAPI 3.1)."""
    return JsonResponse(openapi_document())


@require_GET
def api_protocol(request: HttpRequest) -> JsonResponse:
    """``GET /api/protocol/``: the room socket (AsyncAPI 3)."""
    return JsonResponse(asyncapi_document())
