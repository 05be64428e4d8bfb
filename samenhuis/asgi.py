"""The ASGI application Daphne serves: HTTP through Django, websockets through Channels.

See docs/realtime.md for the websocket endpoints and their protocol.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenhuis.settings.dev")

from django.core.asgi import get_asgi_application  # noqa: E402

from samenhuis.settings.environment import ConfigurationError  # noqa: E402

try:
    django_asgi_app = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"Samenhuis cannot start: {error}")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from samenhuis.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
