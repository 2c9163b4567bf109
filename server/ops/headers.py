"""Content-Security-Policy and Permissions-Policy on every response.

Pages load scripts, styles, fonts and images from Plenary itself only; no inline script or
style runs (templates pass data in ``data-`` attributes, the modules build the DOM). Scripts
may open WebSockets to the page's own origin. The microphone (the floor holder's voice,
through an AudioWorklet) and the camera are for the site itself; every other powerful
feature is off. A response that brings its own policy keeps it: the HTML exports, which
are standalone documents with their style inline and no script at all (``EXPORT_POLICY``).
"""

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from server.common.middleware import AsyncMiddleware

PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
EXPORT_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = ", ".join(
    (
        "microphone=(self)",
        "camera=(self)",
        "display-capture=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
    )
)


def content_security_policy(request: HttpRequest) -> str:
    """The pages' policy; ``connect-src`` names the site's own WebSocket origin."""
    try:
        host = request.get_host()
    except DisallowedHost:  # answered 400 already; 'self' alone is the narrowest
        connect = "connect-src 'self'"
    else:
        connect = f"connect-src 'self' {'wss' if request.is_secure() else 'ws'}://{host}"
    return "; ".join((*PAGE_POLICY, connect))


class SecurityHeadersMiddleware(AsyncMiddleware):
    async def __call__(self, request: HttpRequest) -> HttpResponse:
        response = await self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
