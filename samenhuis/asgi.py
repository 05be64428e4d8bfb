"""The ASGI application Daphne serves: HTTP through Django, websockets through Channels.

See docs/realtime.md for the websocket endpoints and their protocol.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenhuis.settings.dev")

from django.core.asgi import get_asgi_application

from samenhuis.settings.environment import ConfigurationError

try:
    django_asgi_app = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"Samenhuis cannot start: {error}")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

from samenhuis.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
