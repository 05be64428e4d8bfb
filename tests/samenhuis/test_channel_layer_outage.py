"""A Redis outage under the channel layer the settings choose for REDIS_URL, against a real
redis-server this test starts, kills and starts again: two warnings in the log, no traceback,
/healthz 503 naming the channel layer while it lasts and 200 after, and sockets that still work."""

import asyncio
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import AsyncClient, Client

from community import services
from samenhuis.asgi import application
from tests.factories import UserFactory
from tests.support.servers import ROOT, free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

REDIS_SERVER = shutil.which("redis-server")
LAYER_LOGGERS = ("channels_redis", "samenhuis.channel_layer")


class RedisServer:
    """A redis-server of this test's own, on a free port, that it can kill like a crash."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self):
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def redis_server():
    if REDIS_SERVER is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def settings_channel_layers_for(redis_url: str) -> dict:
    """CHANNEL_LAYERS exactly as samenhuis/settings/base.py builds it when REDIS_URL is set."""
    code = "import json; from samenhuis.settings import base; print(json.dumps(base.CHANNEL_LAYERS))"
    env = {**os.environ, "REDIS_URL": redis_url}
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(result.stdout)


@pytest.fixture
def redis_channel_layer(redis_server, settings):
    settings.CHANNEL_LAYERS = settings_channel_layers_for(redis_server.url)
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@sync_to_async
def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def notification_socket(user) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"cookie", await session_cookie_for(user))]
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def logged(caplog, pattern: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(re.search(pattern, record.getMessage()) for record in caplog.records):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_redis_outage_is_two_warnings_and_a_503_while_it_lasts(redis_server, redis_channel_layer, caplog):
    caplog.set_level(logging.INFO)
    user = await sync_to_async(UserFactory)()
    staying = await notification_socket(user)
    leaving = await notification_socket(user)
    client = AsyncClient()  # runs /healthz in this event loop, as Daphne runs it beside the sockets
    assert (await client.get("/healthz")).status_code == 200

    redis_server.kill()
    await asyncio.sleep(3)  # channels_redis alone logged a traceback a second here
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["channel_layer"]
    assert response.json()["checks"]["channel_layer"]["status"] == "down"
    await leaving.disconnect()  # a socket closing meanwhile closes cleanly

    redis_server.start()
    await logged(caplog, "again after", timeout=5)
    layer_records = [(record.name, record.levelname, record.getMessage()) for record in caplog.records]
    layer_records = [record for record in layer_records if record[0].startswith(LAYER_LOGGERS)]
    assert [level for _, level, _ in layer_records] == ["WARNING", "WARNING"], layer_records
    lost, back = (message for _, _, message in layer_records)
    assert f"lost Redis at 127.0.0.1:{redis_server.port}" in lost
    duration = float(re.search(r"again after (\d+\.\d) s", back).group(1))
    assert 3 <= duration < 10

    response = await client.get("/healthz")
    assert response.status_code == 200, response.json()
    notification = await sync_to_async(services.notification_create)(recipient=user, text="Weer live")
    frame = await staying.receive_json_from(timeout=5)
    assert frame["notification"]["id"] == notification.pk
    await staying.disconnect()
    assert not [(record.name, record.getMessage()) for record in caplog.records if record.exc_info]
