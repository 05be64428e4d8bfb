"""What every websocket shares, below the apps' consumers (docs/realtime.md, Connecting):

- a path that no route knows is refused with close 4404, not with an exception (Channels'
  URLRouter raises one, which Daphne answers with HTTP 500 and a traceback in the log).
"""

import logging

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
