"""What every websocket path shares, whatever consumer serves it (docs/realtime.md): a path no
route knows is refused cleanly, and a frame is refused with a typed error or close 1009 at any
size. Through the real ASGI application, and through a real Daphne where Daphne decides."""

import json
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as websocket_connect

from samenhuis.asgi import application
from tests.factories import UserFactory
from tests.rooms.support import thematic_room
from tests.support.servers import DaphneServer

ORIGIN = (b"origin", b"http://localhost")
UNKNOWN_PATHS = [
    "/ws/rooms/abc/",
    "/ws/rooms/-1/",
    "/ws/rooms/12/extra/",
    "/ws/rooms/",
    "/ws/",
    "/ws/notifications/extra/",
    "/elders/",
    "/ws/rooms/1%0A/",
]
MAX_FRAME_BYTES = 64 * 1024
DAPHNE_MAX_BYTES = 1024 * 1024  # Daphne's --websocket-max-message-size and --websocket-max-frame-size


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@sync_to_async
def cookie_header_of_someone() -> tuple[bytes, bytes]:
    return (b"cookie", session_cookie(UserFactory()).encode())


async def closed_with(communicator, timeout=5):
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
async def test_a_path_no_route_knows_closes_with_4404_and_logs_one_line_without_error(path, logged_in, caplog):
    headers = [ORIGIN, await cookie_header_of_someone()] if logged_in else [ORIGIN]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    with caplog.at_level(logging.DEBUG):
        connected, _ = await communicator.connect()
        assert connected
        assert await closed_with(communicator) == 4404
        await communicator.disconnect()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    # One line, like Django's for an HTTP 404, with the path escaped (no line break in the log).
    [line] = [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO]
    assert line.startswith("Not Found (websocket): ") and "\n" not in line


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_room_number_too_large_for_the_database_is_not_found():
    headers = [ORIGIN, await cookie_header_of_someone()]
    communicator = WebsocketCommunicator(application, f"/ws/rooms/{2**70}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert await closed_with(communicator) == 4404
    await communicator.disconnect()


# Through a real Daphne: the handshake answer and the frame size limits are Daphne's.


@pytest.fixture
def daphne(transactional_db, mail_dir):
    server = DaphneServer(mail_dir=mail_dir).start()
    yield server
    server.stop()


def open_socket(server, path, cookie=None):
    return websocket_connect(
        f"ws://127.0.0.1:{server.port}{path}",
        origin=f"http://127.0.0.1:{server.port}",
        additional_headers={"Cookie": cookie} if cookie else None,
        compression=None,  # frame sizes on the wire as sent
        proxy=None,
        open_timeout=10,
        close_timeout=5,
    )


def close_code(socket) -> int:
    """The close code the server sent; 1006 (as a browser reports it) when it sent none."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=10)
    return closed.value.rcvd.code if closed.value.rcvd is not None else 1006


def next_answer(socket) -> dict:
    """The next frame that is not a presence update."""
    while (frame := json.loads(socket.recv(timeout=10)))["type"] == "presence":
        pass
    return frame


def test_daphne_closes_an_unknown_path_with_4404_without_an_error_in_the_log(daphne):
    for path in ("/ws/rooms/abc/", "/ws/rooms/12/extra/"):
        with open_socket(daphne, path) as socket:
            assert close_code(socket) == 4404
    output = daphne.output()
    assert "Traceback" not in output and " ERROR " not in output, output
    assert output.count("Not Found (websocket)") == 2, output


@pytest.mark.parametrize(
    ("size", "refusal"),
    [
        (MAX_FRAME_BYTES + 1, "frame_too_large"),
        (DAPHNE_MAX_BYTES, "frame_too_large"),
        (DAPHNE_MAX_BYTES + 1, 1009),
        (4 * 1024 * 1024, 1009),
    ],
)
def test_every_oversized_frame_gets_frame_too_large_or_close_1009(daphne, size, refusal):
    """Never a dropped connection (1006): the client cannot tell that from a network failure."""
    for path in ("/ws/notifications/", f"/ws/rooms/{thematic_room().pk}/"):
        with open_socket(daphne, path, session_cookie(UserFactory())) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "hello"
            frame = json.dumps({"type": "ping", "padding": ""})
            socket.send(frame[:-2] + "x" * (size - len(frame)) + '"}')  # `size` bytes of JSON
            if refusal == 1009:
                assert close_code(socket) == 1009, path
                continue
            assert next_answer(socket) == {"type": "error", "code": refusal, "message": "Frames are limited to 64 KB."}
            socket.send(json.dumps({"type": "ping"}))
            assert next_answer(socket)["type"] == "pong"  # still open


def test_text_that_is_not_utf8_closes_with_1007(daphne):
    """Also refused before the application sees it, and now with a close code, not a dropped line."""
    with open_socket(daphne, "/ws/notifications/", session_cookie(UserFactory())) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "hello"
        socket.send(b'{"type": "ping", "x": "\xff"}', text=True)
        assert close_code(socket) == 1007
