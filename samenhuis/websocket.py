"""What every websocket shares, below the apps' consumers (docs/realtime.md, Connecting):

- a path that no route knows is refused with close 4404, not with an exception (Channels'
  URLRouter raises one, which Daphne answers with HTTP 500 and a traceback in the log);
- a frame larger than Daphne accepts is refused with close 1009 ("message too big"), not by
  dropping the connection (which a client sees as 1006, as if the network had failed).
"""

import logging

from daphne import server as daphne_server
from daphne.ws_protocol import WebSocketFactory

CLOSE_NOT_FOUND = 4404
logger = logging.getLogger(__name__)


async def not_found(scope, receive, send):
    """The last websocket route: accept, close with 4404 and log one line, like an HTTP 404.

    A plain ASGI application rather than a consumer, so that an unknown path costs no
    channel-layer channel. Accepted first: a close code can only travel on an open socket
    (refused during the handshake, Daphne would answer 403, which means a bad origin here)."""
    if (await receive())["type"] != "websocket.connect":
        return
    logger.warning("Not Found (websocket): %r", scope["path"][:200])
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})


class ClosingWebSocketFactory(WebSocketFactory):
    """Daphne's websocket factory with autobahn's `failByDrop` off: a frame or message over
    `--websocket-max-message-size` / `--websocket-max-frame-size` (1 MiB by default), an
    invalid UTF-8 text or a protocol error is answered with a close frame (1009, 1007, 1002)
    before the connection ends; a client that does not answer it is dropped after autobahn's
    close handshake timeout (1 s). Daphne sets the size limits afterwards and leaves this alone."""

    def resetProtocolOptions(self):
        super().resetProtocolOptions()
        self.failByDrop = False


def daphne_close_with_codes() -> None:
    """Make the Daphne server in this process build `ClosingWebSocketFactory`. Called when
    samenhuis.asgi is imported, which every way of starting Daphne does before the server
    makes its factory (`daphne`, `manage.py serve`, `runserver`)."""
    daphne_server.WebSocketFactory = ClosingWebSocketFactory
