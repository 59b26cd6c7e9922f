#!/usr/bin/env python3
"""Replays customer contacts from a JSONL file into Swarm, one `case.interaction` each.

Each line is the `data` of a case.interaction request (see protocol/PROTOCOL.md): identity,
channel, direction, text, external_id, ... A contact from a customer with no open case opens one
in the intake channel; later contacts land on that case. Re-running the same file is safe: the
server remembers (channel, external_id) and answers `duplicate` without storing anything.

One extension: a line may carry "link_ticket": {"system", "key", "url"}. After the interaction
is stored, the ticket is linked to its case (case.link_ticket), so later lines can say
"ticket": {"system", "key"} to reach the same case from a different channel, the way a helpdesk
integration would. It is not sent for duplicates, so a re-run changes nothing.

Usage: replay_contacts.py [--url ws://127.0.0.1:7420/v1/ws] [--token TOKEN] contacts.jsonl
       (the token may come from SWARM_TOKEN instead)
Exit status: 0 when every contact was accepted, 1 on an error reply, 2 on bad input or no server.
"""
import argparse
import asyncio
import hashlib
import json
import os
import sys

import websockets

TIMEOUT = 30  # seconds to wait for any one reply


class Refused(Exception):
    """The server answered a request with ok: false."""


class Client:
    """Request/reply over one socket; events (frames with "ev") are skipped while waiting."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    async def request(self, op, data):
        self.next_id += 1
        rid = str(self.next_id)
        await self.ws.send(json.dumps({"id": rid, "op": op, "data": data}))
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
            if "ev" in frame:
                continue
            # A reply with "re": null is a refusal of a frame the server could not read.
            if frame.get("re") not in (rid, None):
                continue
            if not frame.get("ok"):
                err = frame.get("error") or {}
                raise Refused(f"{op}: {err.get('code', '?')}: {err.get('message', '')}")
            return frame.get("data")

    async def wait_event(self, name):
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
            if frame.get("ev") == name:
                return frame


def read_contacts(path):
    """Parses every line first, so a typo on line 40 stops the run before anything is sent."""
    contacts = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                contact = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{number}: not JSON: {e}") from None
            if not isinstance(contact, dict):
                raise SystemExit(f"{path}:{number}: each line must be a JSON object")
            if not contact.get("external_id"):
                # A stable id derived from the content, so re-runs are still recognised.
                digest = hashlib.sha256(json.dumps(contact, sort_keys=True).encode()).hexdigest()
                contact["external_id"] = "replay-" + digest[:24]
            contacts.append((number, contact))
    return contacts


async def replay(url, token, contacts):
    async with websockets.connect(url, open_timeout=TIMEOUT) as ws:
        client = Client(ws)
        hello = await client.request("hello", {"token": token, "client": "replay_contacts.py"})
        await client.wait_event("ready")  # replay of missed events is done; live from here
        print(f"connected as {hello['user']['name']}", file=sys.stderr)
        for number, contact in contacts:
            ticket = contact.pop("link_ticket", None)
            reply = await client.request("case.interaction", contact)
            state = "duplicate" if reply["duplicate"] else "opened" if reply["opened_case"] else "added"
            print(f"{reply['case']}\t{state}\t{contact['channel']}\t{contact['external_id']}", flush=True)
            if ticket and not reply["duplicate"]:
                await client.request("case.link_ticket", {"case": reply["case"], **ticket})
                print(f"{reply['case']}\tlinked\t{ticket['system']}\t{ticket['key']}", flush=True)


def main():
    parser = argparse.ArgumentParser(description="Replay customer contacts (JSONL) into Swarm cases.")
    parser.add_argument("file", help="JSONL file, one case.interaction data object per line")
    parser.add_argument("--url", default=os.environ.get("SWARM_URL", "ws://127.0.0.1:7420/v1/ws"))
    parser.add_argument("--token", default=os.environ.get("SWARM_TOKEN"), help="bot token (default: $SWARM_TOKEN)")
    args = parser.parse_args()
    if not args.token:
        parser.error("no token: pass --token or set SWARM_TOKEN")
    try:
        contacts = read_contacts(args.file)
    except OSError as e:
        print(f"cannot read {args.file}: {e}", file=sys.stderr)
        return 2
    try:
        asyncio.run(replay(args.url, args.token, contacts))
    except Refused as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
        print(f"connection problem with {args.url}: {e!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
