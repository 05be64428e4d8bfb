"""The ASGI application Daphne serves: HTTP through Django, websockets through Channels.

See docs/realtime.md for the websocket endpoints and their protocol.
"""

import gc
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
from django.apps import apps
from django.conf import settings

from samenhuis import websocket
from samenhuis.routing import websocket_urlpatterns

websocket.daphne_close_with_codes()

if settings.SAMENHUIS_WARM_UP_ON_START:
    # Apps that load something slow prepare it now, in the background (`AppConfig.serving`).
    for config in apps.get_app_configs():
        if hasattr(config, "serving"):
            config.serving()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything made while starting (modules, models, URL patterns, templates) lives as long as the
# process: take it out of the garbage collector's view, so a full collection only walks what
# requests and sockets made since. Without this, full collections paused Daphne for 200-400 ms
# at a time under bench/chat.py's load (docs/performance.md).
gc.freeze()

# The event loop thread delivers announcements while worker threads do the sockets' database work,
# each query a round trip that gives the GIL away. Python makes a thread that wants the GIL back
# wait up to the switch interval (5 ms by default) while the loop computes, so a post of a dozen
# queries waited tens of milliseconds for the GIL alone under load (bench/chat.py). A shorter
# interval hands the GIL back sooner.
sys.setswitchinterval(settings.SAMENHUIS_GIL_SWITCH_SECONDS)
