"""``/healthz``, ``/readyz`` and ``/metrics``, answered ahead of every other middleware.

Orchestrators and Prometheus address a process by its own IP and port, over plain HTTP:
these paths must not depend on ``ALLOWED_HOSTS`` or the HTTPS redirect, so this middleware
comes first in ``MIDDLEWARE`` and answers before host validation. They reveal no content;
still, ``/readyz`` and ``/metrics`` answer only requests that reach the process directly: one
that came through a proxy (``X-Forwarded-For``) gets a 404, as nginx gives them itself.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from server.common.middleware import AsyncMiddleware
from server.rooms.hub import get_hub

from .metrics import metrics_text
from .probes import readiness

INTERNAL = frozenset({"/readyz", "/metrics"})  # for the orchestrator and Prometheus only


class OpsEndpointsMiddleware(AsyncMiddleware):
    async def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path_info in INTERNAL and "HTTP_X_FORWARDED_FOR" in request.META:
            return HttpResponseNotFound()
        if request.path_info == "/readyz":
            result = await readiness()
            status = "ready" if result.ready else "unavailable"
            return JsonResponse(
                {"status": status, "checks": result.checks}, status=200 if result.ready else 503
            )
        if request.path_info == "/metrics":
            return HttpResponse(metrics_text(get_hub()), content_type=CONTENT_TYPE_LATEST)
        return await self.get_response(request)
