#!/usr/bin/env python3
"""One load driver for Swarm and for XMPP multi-user chat over WebSocket (RFC 7395).

The same workload runs against either server: `members` users sit in one room (a Swarm channel or
an XMPP MUC room), `senders` of them post `rate` messages per second in all (open loop: posts go
out on schedule whether or not earlier ones were answered), each body carrying the send time, and
every member times each delivery it receives. The server's CPU is read from /proc/PID/stat over
the measured window, so "µs per delivery" is the server's own cost, whatever the driver costs.

    peer_load.py fanout --target swarm --url ws://127.0.0.1:7420/v1/ws --admin-token T --pid P
    peer_load.py fanout --target xmpp  --url ws://127.0.0.1:15280/xmpp-websocket --pid P
    peer_load.py idle   --target …     --connections 2000 …

Prints one JSON object on stdout (the summary), progress on stderr.
"""
import argparse
import asyncio
import json
import os
import re
import sys
import time

from websockets.asyncio.client import connect

MARK = re.compile(rb"pl (\d+) ")
TICKS = os.sysconf("SC_CLK_TCK")


def source_address(args, i):
    """Loopback source address for socket `i`: one address has ~28,000 ephemeral ports, so runs
    with more connections spread them over 127.0.0.1 … 127.0.0.N (`--source-addresses N`)."""
    n = max(1, args.source_addresses)
    return (f"127.0.0.{1 + i % n}", 0)


def open_socket(args, i, **extra):
    return connect(args.url, max_size=None, compression=None, close_timeout=2, open_timeout=60,
                   local_addr=source_address(args, i), **extra)


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def cpu_seconds(pid):
    """User + system CPU of a process and its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Deliveries:
    """Latencies of marked messages sent inside the measured window."""

    def __init__(self, needle=b""):
        # Only frames holding `needle` are deliveries (Swarm's reply to a post carries the body too).
        self.needle = needle
        self.window = None  # (start_ns, end_ns) of send times that count
        self.latencies_ms = []
        self.outside = 0

    def record(self, frame):
        data = frame.encode() if isinstance(frame, str) else frame
        now = time.perf_counter_ns()
        if self.needle not in data:
            return
        for m in MARK.finditer(data):
            sent = int(m.group(1))
            if self.window and self.window[0] <= sent < self.window[1]:
                self.latencies_ms.append((now - sent) / 1e6)
            else:
                self.outside += 1


# ---------------------------------------------------------------- Swarm

class SwarmPeer:
    delivery = b'"ev":"message.new"'

    def __init__(self, args):
        self.args = args
        self.next_id = 0
        self.room = None
        self.tokens = []

    async def request(self, ws, op, data):
        self.next_id += 1
        rid = f"r{self.next_id}"
        await ws.send(json.dumps({"id": rid, "op": op, "data": data}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("re") == rid:
                if not frame.get("ok"):
                    raise RuntimeError(f"{op}: {frame.get('error')}")
                return frame.get("data", {})

    async def hello(self, ws, token):
        await ws.send(json.dumps({"id": "h", "op": "hello", "data": {"token": token}}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("re") == "h" and not frame.get("ok"):
                raise RuntimeError(f"hello: {frame.get('error')}")
            if frame.get("ev") == "ready":
                return

    async def prepare(self, members):
        """Creates `members` agents and one public channel holding them all, on the admin socket."""
        run = f"{int(time.time()) % 1000000:x}{os.getpid() % 1000}"
        async with connect(self.args.url, max_size=None, compression=None, close_timeout=2, open_timeout=60) as ws:
            await self.hello(ws, self.args.admin_token)
            ids = []
            for i in range(members):
                reply = await self.request(ws, "user.create", {"name": f"pl-{run}-{i}", "role": "agent"})
                ids.append(reply["user"]["id"])
                self.tokens.append(reply["token"])
            channel = await self.request(ws, "channel.create", {"name": f"peers-{run}", "kind": "public", "members": ids[:1000]})
            for uid in ids[1000:]:
                await self.request(ws, "channel.invite", {"channel": channel["id"], "user": uid})
            self.room = channel["id"]

    async def join(self, i):
        ws = await open_socket(self.args, i)
        await self.hello(ws, self.tokens[i])
        return ws

    async def idle_login(self, i):
        return await self.join(i % len(self.tokens))

    def post_frame(self, n, body):
        return json.dumps({"id": f"p{n}", "op": "message.post", "data": {"channel": self.room, "body": body}})


# ---------------------------------------------------------------- XMPP (RFC 7395)

FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
# MUC status code 110: the presence is the joiner's own, so the join is complete.
SELF_PRESENCE = re.compile(r"""code=["']110["']""")
# The owner's instant-room configuration was accepted.
CONFIGURED = re.compile(r"""id=["']cfg["']""")


class XMPPPeer:
    delivery = b"<message"

    def __init__(self, args):
        self.args = args
        self.room = f"peers{os.getpid()}{int(time.time()) % 100000}@{args.muc}"

    async def expect(self, ws, needle):
        """Reads frames until one matches `needle` (a string or a compiled pattern)."""
        while True:
            frame = await ws.recv()
            if isinstance(frame, bytes):
                frame = frame.decode()
            if (needle.search(frame) if isinstance(needle, re.Pattern) else needle in frame):
                return frame
            if "<failure" in frame or "type='error'" in frame or 'type="error"' in frame:
                raise RuntimeError(f"XMPP error waiting for {needle}: {frame[:300]}")

    async def login(self, i=0):
        """Anonymous SASL login and resource binding: what every occupant does first."""
        ws = await open_socket(self.args, i, subprotocols=["xmpp"])
        open_stream = f'<open xmlns="{FRAMING}" to="{self.args.domain}" version="1.0"/>'
        await ws.send(open_stream)
        await self.expect(ws, "ANONYMOUS")
        await ws.send('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>')
        await self.expect(ws, "<success")
        await ws.send(open_stream)
        await self.expect(ws, "urn:ietf:params:xml:ns:xmpp-bind")
        await ws.send('<iq xmlns="jabber:client" type="set" id="bind"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>')
        await self.expect(ws, "<jid>")
        return ws

    async def prepare(self, members):
        # The first occupant creates the room and unlocks it as an instant room (XEP-0045 §10.1.2).
        ws = await self.login()
        await ws.send(self.join_presence(0))
        await self.expect(ws, SELF_PRESENCE)
        await ws.send(f'<iq xmlns="jabber:client" type="set" to="{self.room}" id="cfg"><query xmlns="http://jabber.org/protocol/muc#owner">'
                      '<x xmlns="jabber:x:data" type="submit"/></query></iq>')
        await self.expect(ws, CONFIGURED)
        self.owner = ws

    def join_presence(self, i):
        return (f'<presence xmlns="jabber:client" to="{self.room}/m{i}"><x xmlns="http://jabber.org/protocol/muc">'
                '<history maxstanzas="0"/></x></presence>')

    async def join(self, i):
        if i == 0:
            return self.owner
        ws = await self.login(i)
        await ws.send(self.join_presence(i))
        await self.expect(ws, SELF_PRESENCE)
        return ws

    async def idle_login(self, i):
        ws = await self.login(i)
        await ws.send('<presence xmlns="jabber:client"/>')
        return ws

    def post_frame(self, n, body):
        return f'<message xmlns="jabber:client" to="{self.room}" type="groupchat" id="p{n}"><body>{body}</body></message>'


# ---------------------------------------------------------------- runs

def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


async def drain(ws, deliveries):
    try:
        async for frame in ws:
            deliveries.record(frame)
    except Exception:
        pass


async def close_all(sockets):
    """Closes every socket at once; a server that does not finish the close handshake costs
    one close timeout in all, not one per socket."""
    async def one(ws):
        try:
            await ws.close()
        except Exception:
            pass
    await asyncio.gather(*(one(ws) for ws in sockets))


async def in_batches(count, limit, make):
    out = [None] * count
    sem = asyncio.Semaphore(limit)

    async def one(i):
        async with sem:
            out[i] = await make(i)
    await asyncio.gather(*(one(i) for i in range(count)))
    return out


async def fanout(args, peer):
    log(f"{args.target}: preparing {args.members} members")
    await peer.prepare(args.members)
    # Joins one by one in order for XMPP (each join is broadcast to the room); Swarm logins in parallel.
    limit = 1 if args.target == "xmpp" else 32
    sockets = await in_batches(args.members, limit, peer.join)
    deliveries = Deliveries(peer.delivery)
    readers = [asyncio.create_task(drain(ws, deliveries)) for ws in sockets]
    senders = sockets[: args.senders]
    pad = "x" * max(0, args.body_bytes - 24)
    log(f"{args.target}: {len(sockets)} joined; warm-up {args.warmup}s then {args.seconds}s at {args.rate} posts/s")

    interval = 1.0 / args.rate
    total = int((args.warmup + args.seconds) * args.rate)
    start = time.perf_counter()
    window_start = start + args.warmup
    window_end = window_start + args.seconds
    deliveries.window = (int(window_start * 1e9), int(window_end * 1e9))
    cpu0 = cpu1 = None
    sent_in_window = 0
    for n in range(total):
        due = start + n * interval
        now = time.perf_counter()
        if cpu0 is None and now >= window_start:
            cpu0 = (cpu_seconds(args.pid), now)
        if due > now:
            await asyncio.sleep(due - now)
        body = f"pl {time.perf_counter_ns()} {pad}"
        if window_start <= time.perf_counter() < window_end:
            sent_in_window += 1
        await senders[n % len(senders)].send(peer.post_frame(n, body))
    now = time.perf_counter()
    if cpu0 is None:
        cpu0 = (cpu_seconds(args.pid), now)
    # Let the last posts arrive, then read the server's CPU over the same window.
    await asyncio.sleep(max(0.0, window_end - now) + args.drain)
    cpu1 = (cpu_seconds(args.pid), time.perf_counter())
    for t in readers:
        t.cancel()
    await close_all(sockets)
    lat = sorted(deliveries.latencies_ms)
    expected = sent_in_window * args.members
    cpu = cpu1[0] - cpu0[0]
    return {
        "target": args.target, "scenario": "fanout", "members": args.members, "senders": args.senders,
        "rate": args.rate, "seconds": args.seconds, "posts": sent_in_window,
        "deliveries": len(lat), "expected": expected,
        "delivered_per_s": round(len(lat) / args.seconds),
        "p50_ms": round(percentile(lat, 50), 2) if lat else None,
        "p99_ms": round(percentile(lat, 99), 2) if lat else None,
        "server_cpu_s": round(cpu, 3),
        "server_cpu_share": round(cpu / (cpu1[1] - cpu0[1]), 3),
        "us_per_delivery": round(cpu / len(lat) * 1e6, 2) if lat else None,
    }


async def idle(args, peer):
    if args.target == "swarm":
        users = args.users or args.connections
        log(f"swarm: creating {users} users")
        await peer.prepare(users)
    rss0 = rss_bytes(args.pid)
    log(f"{args.target}: {args.connections} logins (server RSS {rss0 / 1048576:.1f} MiB)")
    t0 = time.perf_counter()
    cpu_start = cpu_seconds(args.pid)
    sockets = await in_batches(args.connections, 64, peer.idle_login)
    login_s = time.perf_counter() - t0
    login_cpu = cpu_seconds(args.pid) - cpu_start
    await asyncio.sleep(2)  # let allocations settle before reading RSS
    rss1 = rss_bytes(args.pid)
    readers = [asyncio.create_task(drain(ws, Deliveries())) for ws in sockets]
    c0, w0 = cpu_seconds(args.pid), time.perf_counter()
    await asyncio.sleep(args.seconds)
    c1, w1 = cpu_seconds(args.pid), time.perf_counter()
    for t in readers:
        t.cancel()
    await close_all(sockets)
    return {
        "target": args.target, "scenario": "idle", "connections": args.connections,
        "login_s": round(login_s, 2), "login_cpu_ms_each": round(login_cpu / args.connections * 1000, 3),
        "rss_kib_each": round((rss1 - rss0) / args.connections / 1024, 1),
        "idle_cpu_share": round((c1 - c0) / (w1 - w0), 4),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", choices=["fanout", "idle"])
    ap.add_argument("--target", choices=["swarm", "xmpp"], required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--pid", type=int, required=True, help="the server's process id (its CPU and RSS are read)")
    ap.add_argument("--admin-token", help="Swarm: an admin token (users and the channel are created with it)")
    ap.add_argument("--domain", default="localhost", help="XMPP: the virtual host")
    ap.add_argument("--muc", default="conference.localhost", help="XMPP: the MUC service")
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--senders", type=int, default=5)
    ap.add_argument("--rate", type=float, default=20, help="posts per second, all senders together")
    ap.add_argument("--body-bytes", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--drain", type=float, default=3, help="seconds to wait for the last deliveries")
    ap.add_argument("--connections", type=int, default=2000)
    ap.add_argument("--users", type=int, default=0, help="idle, Swarm: users to create (default: one per connection); connections share them round-robin")
    ap.add_argument("--source-addresses", type=int, default=1, help="spread sockets over 127.0.0.1..127.0.0.N (more than ~28,000 need N > 1)")
    args = ap.parse_args()
    if args.target == "swarm" and not args.admin_token:
        ap.error("--admin-token is required for Swarm")
    peer = SwarmPeer(args) if args.target == "swarm" else XMPPPeer(args)
    result = asyncio.run(fanout(args, peer) if args.scenario == "fanout" else idle(args, peer))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
