#!/usr/bin/env python3
"""Half-open client probe against a running swarmd on loopback (issue 10 §3).

Opens N sockets from 127.0.0.2 that send an unfinished WebSocket upgrade head and then stay
silent, counts how many the server refuses (503 + close) and how many it holds, then times
/healthz and a full WebSocket login from 127.0.0.1 while they are held. With --sigterm PID it
also holds 50 upgraded-but-silent WebSockets and 10 unfinished HTTP heads, sends SIGTERM to the
server and measures how long the process takes to exit.

    python3 scripts/abuse-probe.py --port 7420 --token "$SWARM_TOKEN" --sockets 1100 [--sigterm PID]

Only loopback addresses are used. Standard library only.
"""
import argparse, json, os, signal, socket, struct, time

UPGRADE = (b"GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def half_open(port, n):
    held, errors = [], 0
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")   # never finished
            held.append(s)
        except OSError:
            errors += 1
    time.sleep(0.5)
    refused = 0
    for s in held:
        s.setblocking(False)
        try:
            if s.recv(4096) is not None:
                refused += 1          # 503 or EOF: the server let go of it
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
    return held, refused, errors


def healthz(port):
    t = time.monotonic()
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = b""
    while chunk := c.recv(4096):
        reply += chunk
    c.close()
    return (time.monotonic() - t) * 1000, reply.split(b"\r\n")[0].decode()


def login(port, token):
    t = time.monotonic()
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(UPGRADE)
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += c.recv(4096)
    payload = json.dumps({"id": "h", "op": "hello", "data": {"token": token}}).encode()
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    head = bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(payload)) if len(payload) >= 126 else bytes([0x81, 0x80 | len(payload)])
    c.sendall(head + key + masked)
    buf = buf.split(b"\r\n\r\n", 1)[1]
    while b'"re":"h"' not in buf:
        buf += c.recv(65536)
    c.close()
    return (time.monotonic() - t) * 1000, b'"ok":true' in buf


def sigterm(port, pid):
    socks = []
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(UPGRADE)          # upgraded, then silent: never says hello, never answers close
        socks.append(s)
    for _ in range(10):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHo")   # an HTTP head that never ends
        socks.append(s)
    time.sleep(0.5)
    t = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    while time.monotonic() - t < 60:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return time.monotonic() - t
        time.sleep(0.05)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=7420)
    ap.add_argument("--token", required=True)
    ap.add_argument("--sockets", type=int, default=1100)
    ap.add_argument("--sigterm", type=int, help="pid of the swarmd to stop at the end")
    a = ap.parse_args()
    held, refused, errors = half_open(a.port, a.sockets)
    print(f"half-open: {len(held)} opened from 127.0.0.2 ({errors} connect errors), "
          f"{refused} refused or closed by the server, {len(held) - refused} held")
    for _ in range(3):
        ms, status = healthz(a.port)
        lms, ok = login(a.port, a.token)
        print(f"while held: /healthz {ms:.1f} ms ({status}); login {lms:.1f} ms ok={ok}")
    for s in held:
        s.close()
    if a.sigterm:
        took = sigterm(a.port, a.sigterm)
        print("SIGTERM with 50 silent WebSockets and 10 unfinished heads: " +
              (f"exited after {took:.1f} s" if took is not None else "still running after 60 s"))


if __name__ == "__main__":
    main()
