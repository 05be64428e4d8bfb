"""Delivery latency, throughput and lost/duplicate counts of the discussion rooms over real websockets.

Starts Daphne (production settings, the Redis channel layer) with bench/chat_asgi.py, opens
--clients websocket clients spread over --rooms rooms, and posts at --rate posts per second for
--seconds seconds, each post from the next client in turn, as a `post` frame on its socket. Every
client records when each message reaches it; latency is the time from sending the post to
receiving the message, measured in this one process. Printed per run: posts acknowledged or
refused, deliveries expected (each acknowledged post times the clients in its room), received,
lost and duplicated, delivery latency p50/p95/p99/max, post-to-acknowledgement latency, and
deliveries per second.

The same run measures a baseline first: a minimal broadcast consumer on the same Daphne, the
same authentication and the same Redis layer, without a transaction, sequence or stored
message (bench/chat_asgi.py), and prints the ratio of the rooms to it.

The clients behave like static/js/room.js: they keep the highest `rev` they are sure of, ask
for a `sync` when live traffic skips a number, and send `read` at most every three to six
seconds (chosen at random each time) while messages arrive. A message that arrives only through
a sync counts as received (and is reported as recovered); one that never arrives counts as lost.
The warm-up (10 s by default) lets every client post and read once before measuring: a person's
first post and first read in a room also create their read position.

Target (issue 5): p99 ≤ 100 ms at 50 posts/s to 200 clients, ratio to the baseline ≤ 1.5,
zero lost, on the 2-core machine.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/chat.py
    REDIS_URL=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/samenhuis_bench_chat .venv/bin/python bench/chat.py
    .venv/bin/python bench/chat.py --clients 50 --rooms 5 --rate 20 --seconds 10   # quick run

Without DATABASE_URL the rooms are stored in a fresh SQLite file (var/bench-chat.sqlite3); a
PostgreSQL database named in DATABASE_URL is created if it is missing. Bench accounts and rooms
are added on every run (named after the run); nothing else in the database is touched.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "var" / "bench-chat.sqlite3"
KEY = re.compile(r"bench-key-(\w+)")
READ_EVERY_SECONDS = 3.0  # as static/js/room.js: 3 to 6 s between reads
DRAIN_SECONDS = 3.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--rate", type=float, default=50.0, help="posts per second over all rooms")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each run posts")
    parser.add_argument(
        "--warmup", type=float, default=10.0, help="seconds of posts before measuring (every client posts and reads)"
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between opening the sockets and posting")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--timeline", action="store_true", help="also print p50/p99 for each second of the run")
    return parser.parse_args()


# Setup: settings shared by this process and Daphne ---------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(port: int) -> dict:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("bench/chat.py measures the Redis channel layer: set REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        DEFAULT_DB.parent.mkdir(exist_ok=True)
        database_url = f"sqlite:///{DEFAULT_DB}"
    return {
        "DJANGO_SETTINGS_MODULE": "samenhuis.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "locmem://",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
    }


def database_ensure(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Seed:
    run: str
    room_ids: list[int]
    cookies: list[str]  # one session per client, each for its own account
    room_of_client: list[int]


def seed(args, env: dict) -> Seed:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database_ensure(env["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    from community import services
    from community.models import User

    call_command("migrate", verbosity=0)
    run = time.strftime("%Y%m%d%H%M%S")
    admin = User.objects.create_superuser(email=f"bench-admin-{run}@bench.test", password=None)
    services.profile_create(user=admin, display_name=f"Bench beheer {run}")
    rooms = [
        services.room_create(actor=admin, name=f"Bench {run} ruimte {number + 1}").pk for number in range(args.rooms)
    ]
    session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    cookies = []
    for number in range(args.clients):
        person = User.objects.create_user(email=f"bench-{run}-{number}@bench.test", password=None)
        services.profile_create(user=person, display_name=f"Bench {number}")
        session = session_store()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return Seed(run, rooms, cookies, [number % args.rooms for number in range(args.clients)])


def queries_per_post(room_id: int) -> int:
    """The database queries one post makes (the same service the socket calls)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community import services
    from community.models import Room, User

    room = Room.objects.get(pk=room_id)
    author = User.objects.filter(email__startswith="bench-", is_superuser=False).order_by("-pk").first()
    # Not the author's first message in the room (that one also makes their read position).
    services.room_message_post(room=room, author=author, body="bench warm-up", client_id=secrets.token_hex(8))
    with CaptureQueriesContext(connection) as queries:
        services.room_message_post(room=room, author=author, body="bench query count", client_id=secrets.token_hex(8))
    return len(queries)


class Daphne:
    def __init__(self, port: int, env: dict):
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="bench-chat-daphne-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.chat_asgi:application"],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"Daphne exited:\n{Path(self.log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("Daphne did not answer /healthz within 30 s.")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        Path(self.log.name).unlink(missing_ok=True)


# The clients ------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    sent: dict = field(default_factory=dict)  # key -> (perf_counter at send, room index)
    acked: dict = field(default_factory=dict)  # key -> post-to-ack seconds
    refused: dict = field(default_factory=dict)  # error code -> count
    received: dict = field(default_factory=dict)  # (client, key) -> times received live
    recovered: set = field(default_factory=set)  # (client, key) received only through a sync
    latencies: list = field(default_factory=list)
    timeline: list = field(default_factory=list)  # (sent at, latency) per delivery
    first_send: float = 0.0
    last_receive: float = 0.0
    measured_from: int = 0  # posts before this number are the warm-up
    gaps: int = 0


class Client:
    def __init__(self, number: int, room_index: int, cookie: str, run: Run, sequenced: bool):
        self.number, self.room_index, self.cookie, self.run, self.sequenced = number, room_index, cookie, run, sequenced
        self.rev = 0
        self.read_timer = None
        self.read_sent = 0.0
        self.pending = set()  # frames being sent by send_soon
        self.highest_seq = 0

    async def open(self, url: str, origin: str):
        import websockets

        self.socket = await websockets.connect(
            url, additional_headers={"Cookie": self.cookie, "Origin": origin}, compression=None, open_timeout=30
        )
        hello = json.loads(await self.socket.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"client {self.number}: expected hello, got {hello}")
        self.rev = hello.get("rev", 0)
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        import websockets

        try:
            async for raw in self.socket:
                self.handle(json.loads(raw), time.perf_counter())
        except websockets.ConnectionClosed:
            pass

    def handle(self, frame: dict, now: float):
        kind = frame["type"]
        if kind == "message":
            self.delivered(frame["message"], now, live=True)
            if self.sequenced:
                if frame["rev"] == self.rev + 1:
                    self.rev = frame["rev"]
                elif frame["rev"] > self.rev + 1:
                    self.run.gaps += 1
                    self.send_soon({"type": "sync", "after_rev": self.rev})
                self.read_soon()
        elif kind == "sync":
            for message in frame["messages"]:
                self.delivered(message, now, live=False)
            self.rev = max(self.rev, frame["rev"])
            if frame["has_more"]:
                self.send_soon({"type": "sync", "after_rev": frame["rev"]})
        elif kind == "ack":
            key = frame["client_id"]
            self.run.acked[key] = now - self.run.sent[key][0]
        elif kind == "error":
            self.run.refused[frame["code"]] = self.run.refused.get(frame["code"], 0) + 1

    def delivered(self, message: dict, now: float, *, live: bool):
        match = KEY.search(message.get("body_html") or message.get("body") or "")
        if not match:
            return
        key = match.group(1)
        self.highest_seq = max(self.highest_seq, message.get("seq") or 0)
        seen = (self.number, key) in self.run.received or (self.number, key) in self.run.recovered
        if live:
            self.run.received[(self.number, key)] = self.run.received.get((self.number, key), 0) + 1
            if int(key[1:]) >= self.run.measured_from:
                self.run.latencies.append(now - self.run.sent[key][0])
                self.run.timeline.append((self.run.sent[key][0], now - self.run.sent[key][0]))
        elif not seen:
            self.run.recovered.add((self.number, key))
        self.run.last_receive = now

    def send_soon(self, frame: dict):
        """Send from a frame handler or timer without waiting; a socket closing meanwhile is fine."""
        import websockets

        async def send():
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.socket.send(json.dumps(frame))

        task = asyncio.ensure_future(send())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def read_soon(self):
        """room.js: at most one `read` every few seconds while messages arrive."""
        if self.read_timer is not None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.5, self.read_sent + READ_EVERY_SECONDS * (1 + random.random()) - loop.time())

        def send_read():
            self.read_timer = None
            self.read_sent = loop.time()
            self.send_soon({"type": "read", "seq": self.highest_seq})

        self.read_timer = loop.call_later(delay, send_read)

    async def close(self):
        if self.read_timer is not None:
            self.read_timer.cancel()
        await self.socket.close()
        await self.reader


async def measure(args, seed: Seed, port: int, *, baseline: bool) -> Run:
    run = Run("baseline" if baseline else "rooms")
    origin = f"http://127.0.0.1:{port}"
    clients = [
        Client(number, seed.room_of_client[number], seed.cookies[number], run, sequenced=not baseline)
        for number in range(args.clients)
    ]

    def url(client):
        room = seed.room_ids[client.room_index]
        return (
            f"ws://127.0.0.1:{port}/ws/bench/broadcast/{room}/"
            if baseline
            else f"ws://127.0.0.1:{port}/ws/rooms/{room}/"
        )

    opening = time.perf_counter()
    for start in range(0, len(clients), 20):  # open in batches, as people arrive
        await asyncio.gather(*(client.open(url(client), origin) for client in clients[start : start + 20]))
    print(f"\n{run.name}: {len(clients)} sockets open in {time.perf_counter() - opening:.1f} s")
    await asyncio.sleep(args.settle)  # the presence announcements of the arrivals settle

    # This process measures: its own garbage collection must not show up as delivery latency.
    gc.collect()
    gc.disable()
    prefix = "b" if baseline else "r"
    interval = 1.0 / args.rate
    warmup_posts = int(args.warmup * args.rate)
    total = warmup_posts + int(args.seconds * args.rate)
    run.measured_from = warmup_posts
    begin = time.perf_counter()
    for number in range(total):
        delay = begin + number * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client = clients[number % len(clients)]
        key = f"{prefix}{number}"
        now = time.perf_counter()
        if number == warmup_posts:
            run.first_send = now
        run.sent[key] = (now, client.room_index)
        await client.socket.send(json.dumps({"type": "post", "client_id": key, "body": f"bench-key-{key}"}))
    await asyncio.sleep(DRAIN_SECONDS)
    # A last sync on every socket collects whatever the live traffic never delivered.
    if not baseline:
        for client in clients:
            await client.socket.send(json.dumps({"type": "sync", "after_rev": client.rev}))
        await asyncio.sleep(1.0)
    await asyncio.gather(*(client.close() for client in clients))
    gc.enable()
    return run


# Report -----------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def report(args, run: Run, seed: Seed) -> dict:
    clients_in_room = [seed.room_of_client.count(index) for index in range(args.rooms)]
    measured = {key for key in run.acked if int(key[1:]) >= run.measured_from}
    expected = sum(clients_in_room[run.sent[key][1]] for key in measured)
    live = {(client, key): count for (client, key), count in run.received.items() if key in measured}
    recovered = {(client, key) for client, key in run.recovered if key in measured}
    received = len(live) + len(recovered - set(live))
    duplicates = sum(count - 1 for count in live.values() if count > 1)
    lost = expected - received
    span = max(run.last_receive - run.first_send, 1e-9)
    acks = [run.acked[key] for key in measured]
    figures = {
        "p50": percentile(run.latencies, 0.50),
        "p95": percentile(run.latencies, 0.95),
        "p99": percentile(run.latencies, 0.99),
        "max": max(run.latencies) * 1000,
        "per_second": len(run.latencies) / span,
        "lost": lost,
        "duplicates": duplicates,
    }
    print(f"\n{run.name}: {len(measured)} posts measured after {run.measured_from} warm-up posts")
    print(f"  posts acknowledged {len(run.acked)} of {len(run.sent)}, refused {run.refused or 0}")
    print(
        f"  deliveries expected {expected}, received {received}, lost {lost}, duplicated {duplicates}, "
        f"recovered through sync {len(recovered - set(live))}, gaps seen {run.gaps}"
    )
    print(
        f"  delivery latency ms  p50 {figures['p50']:.1f}  p95 {figures['p95']:.1f}  "
        f"p99 {figures['p99']:.1f}  max {figures['max']:.1f}"
    )
    print(
        f"  post→ack ms          p50 {percentile(acks, 0.5):.1f}  p95 {percentile(acks, 0.95):.1f}  "
        f"p99 {percentile(acks, 0.99):.1f}"
    )
    print(f"  delivered per second {figures['per_second']:.0f}")
    if args.timeline:
        seconds: dict[int, list[float]] = {}
        for sent, latency in run.timeline:
            seconds.setdefault(int(sent - run.first_send), []).append(latency)
        for second, values in sorted(seconds.items()):
            print(f"    second {second:3d}: p50 {percentile(values, 0.5):7.1f}  p99 {percentile(values, 0.99):7.1f} ms")
    return figures


def main():
    args = parse_args()
    port = free_port()
    env = environment(port)
    seeded = seed(args, env)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"bench/chat.py: {args.clients} clients over {args.rooms} rooms, {args.rate:g} posts/s for "
        f"{args.seconds:g} s (+{args.warmup:g} s warm-up); {engine}, Redis channel layer, one Daphne process"
    )
    daphne = Daphne(port, env)
    try:
        results = {}
        if not args.skip_baseline:
            results["baseline"] = report(args, asyncio.run(measure(args, seeded, port, baseline=True)), seeded)
        results["rooms"] = report(args, asyncio.run(measure(args, seeded, port, baseline=False)), seeded)
    finally:
        daphne.stop()
    print(f"\nqueries per post (the service the socket calls): {queries_per_post(seeded.room_ids[0])}")
    rooms = results["rooms"]
    met = rooms["p99"] <= 100 and rooms["lost"] == 0 and rooms["duplicates"] == 0
    if "baseline" in results:
        base = results["baseline"]
        ratios = {name: rooms[name] / base[name] for name in ("p50", "p95", "p99")}
        print(
            "ratio rooms / baseline: "
            + "  ".join(f"{name} {value:.2f}" for name, value in ratios.items())
            + f"  throughput {rooms['per_second'] / base['per_second']:.2f}"
        )
        met = met and ratios["p99"] <= 1.5
    print(f"target (p99 ≤ 100 ms, p99 ratio ≤ 1.5, nothing lost or duplicated): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
