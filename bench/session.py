"""A live intervision session under load (issue 16): how fast a phase change reaches everyone.

A group of --participants (facilitator included) runs a session over real websockets against a
real Daphne process, PostgreSQL or SQLite, and the Redis channel layer. While the participants
send --rate contributions per second between them, the facilitator moves the session to the next
phase and back every --every seconds. For every phase change the bench measures, for every socket,
the time from sending the control frame to receiving the `changed` frame that shows the new phase;
for every contribution the time to its `ack`. Target: phase change visible to all within p99 ≤ 100 ms.

    REDIS_URL=redis://127.0.0.1:6379/5 DATABASE_URL=postgres://postgres@127.0.0.1:5432/samenhuis_bench_session \\
        .venv/bin/python bench/session.py --seconds 30

A PostgreSQL database named in DATABASE_URL is created if missing; accounts and a group are added
on every run (named after the run). Without DATABASE_URL: var/bench-session.sqlite3.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chat import ROOT, database_ensure, listening_sockets, percentile, servers_start, servers_stop

DEFAULT_DB = ROOT / "var" / "bench-session.sqlite3"
TARGET_P99_MS = 100.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=15, help="facilitator included")
    parser.add_argument("--rate", type=float, default=5.0, help="contributions per second, all participants together")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between phase changes")
    parser.add_argument("--seconds", type=float, default=30.0)
    return parser.parse_args()


def environment(port: int) -> dict:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("REDIS_URL is required (the Daphne process and the bench share the Redis channel layer).")
    return {
        "DJANGO_SETTINGS_MODULE": "samenhuis.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "locmem://",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB}",
        "REDIS_URL": redis_url,
        # The bench's texts carry no identifiers; the check's tables load on first use, before measuring.
        "WARM_UP_ON_START": "true",
    }


def seed(participants: int) -> tuple[int, list[str], list[int]]:
    """A group, its members, a method of two open phases, a started session; a session cookie per
    participant (the first is the facilitator). Returns the session id, cookies and phase ids."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from community import services as community_services
    from community.models import GroupMembership, IntervisionGroup, User
    from intervision import services
    from intervision.models import Collects, Method, Speakers

    call_command("migrate", verbosity=0)
    run = time.strftime("%Y%m%d%H%M%S")
    people = []
    for number in range(participants):
        person = User.objects.create_user(email=f"bench-session-{run}-{number}@bench.test", password=None)
        community_services.profile_create(user=person, display_name=f"Deelnemer {number}")
        people.append(person)
    facilitator = people[0]
    group = IntervisionGroup.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    GroupMembership.objects.create(group=group, person=facilitator, role=GroupMembership.Role.FACILITATOR)
    GroupMembership.objects.bulk_create(GroupMembership(group=group, person=person) for person in people[1:])
    method = services.method_copy(
        actor=facilitator, method=Method.objects.get(key="vrij", group__isnull=True), group=group
    )
    phase = {"purpose": "", "minutes": 30, "speakers": Speakers.EVERYONE, "collects": Collects.NOTES}
    services.method_update(
        actor=facilitator,
        method=method,
        name="Bench",
        description="",
        phases=[{"name": "Ronde A", **phase}, {"name": "Ronde B", **phase}],
    )
    session = services.session_plan(
        actor=facilitator,
        group=group,
        method=method,
        title="Bench",
        planned_for=timezone.now(),
        presenter=people[1],
    )
    services.session_start(actor=facilitator, session=session)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    cookies = []
    for person in people:
        browser = store()
        browser[SESSION_KEY] = str(person.pk)
        browser[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        browser[HASH_SESSION_KEY] = person.get_session_auth_hash()
        browser.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={browser.session_key}")
    return session.pk, cookies, list(session.phases.values_list("pk", flat=True))


class Participant:
    def __init__(self, number: int, cookie: str):
        self.number, self.cookie = number, cookie
        self.socket = None
        self.waiting_phase: dict[int, float] = {}  # phase id -> when the change was sent
        self.phase_latencies: list[float] = []
        self.acks: dict[str, float] = {}
        self.ack_latencies: list[float] = []
        self.errors: dict[str, int] = {}

    async def open(self, url: str, origin: str):
        import websockets

        self.socket = await websockets.connect(
            url, additional_headers={"Cookie": self.cookie, "Origin": origin}, compression=None, open_timeout=30
        )
        hello = json.loads(await self.socket.recv())
        assert hello["type"] == "hello", hello

    async def listen(self):
        import websockets

        try:
            async for raw in self.socket:
                frame = json.loads(raw)
                now = time.perf_counter()
                kind = frame["type"]
                if kind == "changed" and frame.get("state") and frame["state"].get("phase"):
                    sent = self.waiting_phase.pop(frame["state"]["phase"]["id"], None)
                    if sent is not None:
                        self.phase_latencies.append(now - sent)
                elif kind == "ack":
                    sent = self.acks.pop(frame["client_id"], None)
                    if sent is not None:
                        self.ack_latencies.append(now - sent)
                elif kind == "error":
                    self.errors[frame["code"]] = self.errors.get(frame["code"], 0) + 1
                    if os.environ.get("BENCH_DEBUG"):
                        print(frame)
        except websockets.ConnectionClosed:
            pass

    async def contribute(self):
        client_id = secrets.token_hex(8)
        self.acks[client_id] = time.perf_counter()
        text = f"Een ervaring uit de praktijk, nummer {random.randint(1, 999)}."
        await self.socket.send(json.dumps({"type": "contribute", "client_id": client_id, "text": text}))


async def run_load(args, port: int, session_id: int, cookies: list[str], phases: list[int]) -> list[Participant]:
    url, origin = f"ws://127.0.0.1:{port}/ws/sessions/{session_id}/", f"http://127.0.0.1:{port}"
    participants = [Participant(number, cookie) for number, cookie in enumerate(cookies)]
    for participant in participants:
        await participant.open(url, origin)
    listeners = [asyncio.create_task(participant.listen()) for participant in participants]
    # Warm up: a few contributions (the identifier check's tables load on the first).
    for participant in participants[:3]:
        await participant.contribute()
    await asyncio.sleep(10)
    for participant in participants:
        participant.ack_latencies.clear()
        participant.errors.clear()

    facilitator = participants[0]
    started = time.perf_counter()
    next_change, next_post, target = started, started, 1

    while (now := time.perf_counter()) - started < args.seconds:
        if now >= next_change:
            phase = phases[target]
            sent = time.perf_counter()
            for participant in participants:
                participant.waiting_phase[phase] = sent
            await facilitator.socket.send(json.dumps({"type": "control", "action": "next" if target else "back"}))
            target = 1 - target
            next_change += args.every
        if now >= next_post:
            await random.choice(participants[1:]).contribute()
            next_post += 1 / args.rate
        await asyncio.sleep(max(0.0, min(next_change, next_post) - time.perf_counter()))
    await asyncio.sleep(2)
    for participant in participants:
        await participant.socket.close()
    await asyncio.gather(*listeners)
    return participants


def report(args, participants: list[Participant]) -> None:
    changes = [value for p in participants for value in p.phase_latencies]
    acks = [value for p in participants for value in p.ack_latencies]
    missed = sum(len(p.waiting_phase) for p in participants)
    errors: dict[str, int] = {}
    for participant in participants:
        for code, count in participant.errors.items():
            errors[code] = errors.get(code, 0) + count
    expected = int(args.seconds / args.every) * len(participants)
    print(
        f"phase changes: {len(changes)} arrivals of about {expected} expected ({missed} not seen), "
        f"ms p50 {percentile(changes, 0.50):.1f}  p95 {percentile(changes, 0.95):.1f}  "
        f"p99 {percentile(changes, 0.99):.1f}  max {max(changes, default=float('nan')) * 1000:.1f}"
    )
    print(
        f"contributions: {len(acks)} acknowledged, ms p50 {percentile(acks, 0.50):.1f}  "
        f"p95 {percentile(acks, 0.95):.1f}  p99 {percentile(acks, 0.99):.1f}; errors {errors or 'none'}"
    )
    met = percentile(changes, 0.99) <= TARGET_P99_MS and not missed
    print(f"{'PASS' if met else 'FAIL'}  issue 16: phase change visible to all within p99 ≤ {TARGET_P99_MS:.0f} ms")


def main():
    args = parse_args()
    port, listeners = listening_sockets(1)
    env = environment(port)
    os.environ.update(env)
    database_ensure(env["DATABASE_URL"])
    import django

    django.setup()
    session_id, cookies, phases = seed(args.participants)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"bench/session.py: {args.participants} participants, {args.rate:g} contributions/s, a phase change "
        f"every {args.every:g} s for {args.seconds:g} s; {engine}, Redis channel layer, one Daphne process"
    )
    servers = servers_start(listeners, env, port)
    try:
        participants = asyncio.run(run_load(args, port, session_id, cookies, phases))
    finally:
        servers_stop(servers)
    report(args, participants)


if __name__ == "__main__":
    main()
