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

Several nodes (PROTOCOL.md §27): --url may be repeated or list URLs separated by commas. The bot
uses the first that answers; when that node is unreachable or drops, it moves to the next one,
says hello with "after" = the last seq it saw (so it resumes without gaps) and sends the contact
that was in flight again. That is safe: a contact that was stored before the drop answers
`duplicate`, and its ticket link is then sent again too (an existing link answers `conflict`).
It gives up when every node failed in a row.

Usage: replay_contacts.py [--url ws://127.0.0.1:7420/v1/ws[,ws://…]] [--token TOKEN] contacts.jsonl
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
import websockets.exceptions

TIMEOUT = 30  # seconds to wait for any one reply


class Refused(Exception):
    """The server answered a request with ok: false."""


class Client:
    """Request/reply over one socket; events (frames with "ev") are skipped while waiting."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.last_seq = None  # newest event seq seen: where a resume on another node starts

    async def recv(self):
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
        if "ev" in frame:
            # Events carry "seq"; "ready" says in its data where the log stood after the replay.
            seq = frame.get("seq")
            if frame["ev"] == "ready":
                seq = (frame.get("data") or {}).get("seq", seq)
            if isinstance(seq, int):
                self.last_seq = max(self.last_seq or 0, seq)
        return frame

    async def request(self, op, data):
        self.next_id += 1
        rid = str(self.next_id)
        await self.ws.send(json.dumps({"id": rid, "op": op, "data": data}))
        while True:
            frame = await self.recv()
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
            frame = await self.recv()
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


# A node that cannot be reached or drops: try the next one.
CONNECTION_PROBLEMS = (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException)


async def send_contact(client, contact, ticket, retried):
    reply = await client.request("case.interaction", contact)
    state = "duplicate" if reply["duplicate"] else "opened" if reply["opened_case"] else "added"
    print(f"{reply['case']}\t{state}\t{contact['channel']}\t{contact['external_id']}", flush=True)
    # After a drop the contact may have been stored with its link still to send.
    if ticket and (not reply["duplicate"] or retried):
        try:
            await client.request("case.link_ticket", {"case": reply["case"], **ticket})
        except Refused as e:
            if not (retried and str(e).startswith("case.link_ticket: conflict")):
                raise
            return
        print(f"{reply['case']}\tlinked\t{ticket['system']}\t{ticket['key']}", flush=True)


async def replay(urls, token, contacts):
    node, failed_in_row, last_seq = 0, 0, None
    pending = list(contacts)
    retried = False
    while pending:
        url = urls[node]
        client = None
        try:
            async with websockets.connect(url, open_timeout=TIMEOUT) as ws:
                client = Client(ws)
                client.last_seq = last_seq
                hello = {"token": token, "client": "replay_contacts.py"}
                if last_seq is not None:
                    hello["after"] = last_seq
                reply = await client.request("hello", hello)
                await client.wait_event("ready")  # replay of missed events is done; live from here
                failed_in_row = 0
                print(f"connected to {url} as {reply['user']['name']}", file=sys.stderr)
                while pending:
                    contact = dict(pending[0][1])
                    ticket = contact.pop("link_ticket", None)
                    await send_contact(client, contact, ticket, retried)
                    pending.pop(0)
                    retried = False
                return
        except CONNECTION_PROBLEMS as e:
            if client is not None and client.last_seq is not None:
                last_seq = client.last_seq
            failed_in_row += 1
            if failed_in_row >= len(urls):
                raise
            node = (node + 1) % len(urls)
            print(f"connection problem with {url}: {e!r}; resuming on {urls[node]}", file=sys.stderr)
            retried = True


def main():
    parser = argparse.ArgumentParser(description="Replay customer contacts (JSONL) into Swarm cases.")
    parser.add_argument("file", help="JSONL file, one case.interaction data object per line")
    parser.add_argument("--url", action="append",
                        help="node URL; repeat it or separate URLs with commas (default: $SWARM_URL or ws://127.0.0.1:7420/v1/ws)")
    parser.add_argument("--token", default=os.environ.get("SWARM_TOKEN"), help="bot token (default: $SWARM_TOKEN)")
    args = parser.parse_args()
    if not args.token:
        parser.error("no token: pass --token or set SWARM_TOKEN")
    given = args.url or [os.environ.get("SWARM_URL") or "ws://127.0.0.1:7420/v1/ws"]
    urls = [u.strip() for value in given for u in value.split(",") if u.strip()]
    if not urls:
        parser.error("no URL given")
    try:
        contacts = read_contacts(args.file)
    except OSError as e:
        print(f"cannot read {args.file}: {e}", file=sys.stderr)
        return 2
    try:
        asyncio.run(replay(urls, args.token, contacts))
    except Refused as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
        print(f"connection problem with {', '.join(urls)}: {e!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
