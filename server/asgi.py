"""ASGI entry point: HTTP through Django, WebSockets through the Channels router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: the routes import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from server.ops.context import LogContextMiddleware  # noqa: E402
from server.rooms.frames import RawSocketMiddleware  # noqa: E402
from server.routing import websocket_urlpatterns  # noqa: E402

http_app = ASGIStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC else django_asgi_app

# Every request and socket carries a request id and its meeting id into the logs; a room
# socket under Daphne finds its connection for the fan-out's writes (server/rooms/frames.py).
application = RawSocketMiddleware(
    LogContextMiddleware(
        ProtocolTypeRouter(
            {
                "http": http_app,
                "websocket": AllowedHostsOriginValidator(
                    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                ),
            }
        )
    )
)
