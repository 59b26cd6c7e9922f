#!/usr/bin/env python3
"""Checks protocol/schemas/*.schema.json: each is a valid draft 2020-12 schema, every $ref resolves,
every op in Sources/SwarmProtocol/Op.swift has "OP.request" and "OP.reply" and every event name a
definition in events.schema.json.

With a directory argument, also validates recorded transcript frames against the schemas:

    mkdir -p /tmp/frames && SWARM_TRANSCRIPT_DUMP=/tmp/frames swift test --skip-build --filter TranscriptReplay
    scripts/check-schemas.py /tmp/frames

Each recorded request whose reply was ok is checked against OP.request, the ok reply's data against
OP.reply, each event's data against its definition, and every frame against frames.schema.json.
Needs `pip install jsonschema`.
"""
import glob, json, os, re, sys

import jsonschema
from referencing import Registry, Resource

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SCHEMAS = os.path.join(ROOT, "protocol", "schemas")
OPS_SWIFT = os.path.join(ROOT, "Sources", "SwarmProtocol", "Op.swift")


def names(block):
    return [m.group(2) or m.group(1) for m in re.finditer(r'case (\w+)(?: = "([^"]+)")?', block)]


def refs(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from refs(v)


def main():
    problems = []
    schemas = {}
    for path in sorted(glob.glob(os.path.join(SCHEMAS, "*.schema.json"))):
        with open(path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[os.path.basename(path)] = schema
    registry = Registry()
    for schema in schemas.values():
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    for name, schema in schemas.items():
        resolver = registry.resolver(base_uri=schema["$id"])
        for ref in refs(schema):
            try:
                resolver.lookup(ref)
            except Exception as e:  # noqa: BLE001
                problems.append(f"{name}: $ref {ref} does not resolve ({e})")

    source = open(OPS_SWIFT).read()
    op_block, rest = source.split("enum EventName", 1)
    event_block = rest.split("enum ProtocolInfo", 1)[0]
    op_defs = {}
    for name, schema in schemas.items():
        if name in ("events.schema.json", "models.schema.json", "frames.schema.json"):
            continue
        for key in schema["$defs"]:
            op_defs[key] = name
    for op in names(op_block):
        for suffix in (".request", ".reply"):
            if op + suffix not in op_defs:
                problems.append(f"op {op}: no $defs[\"{op}{suffix}\"] in any op-family schema")
    events = schemas["events.schema.json"]["$defs"]
    for ev in names(event_block):
        if ev not in events:
            problems.append(f"event {ev}: no definition in events.schema.json")

    def validator(file, key):
        schema = {"$ref": schemas[file]["$id"] + "#/$defs/" + key}
        return jsonschema.Draft202012Validator(schema, registry=registry)

    frames = jsonschema.Draft202012Validator({"$ref": schemas["frames.schema.json"]["$id"]}, registry=registry)
    checked = 0
    if len(sys.argv) > 1:
        for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl"))):
            pending = {}  # connection -> list of requests awaiting replies, in order
            for n, line in enumerate(open(path), 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                user = rec["as"]
                where = f"{os.path.basename(path)}:{n} [{user}]"
                if "sent" in rec:
                    frame = rec["sent"]
                    if isinstance(frame, dict) and isinstance(frame.get("id"), str) and isinstance(frame.get("op"), str):
                        pending.setdefault(user, []).append(frame)
                    continue
                frame = rec["received"]
                for e in frames.iter_errors(frame):
                    problems.append(f"{where}: frame: {e.message}")
                checked += 1
                if "ev" in frame:
                    if frame["ev"] in events:
                        for e in validator("events.schema.json", frame["ev"]).iter_errors(frame.get("data")):
                            problems.append(f"{where}: event {frame['ev']}: {e.json_path}: {e.message}")
                    continue
                if "re" not in frame or frame.get("re") is None:
                    continue
                queue = pending.get(user, [])
                request = next((r for r in queue if r["id"][:128] == frame["re"]), None)
                if request is None:
                    continue
                queue.remove(request)
                op = request["op"]
                if not frame.get("ok") or op not in {o for o in names(op_block)}:
                    continue
                file = op_defs.get(op + ".reply")
                if not file:
                    continue
                data = request.get("data") or {}
                for e in validator(file, op + ".request").iter_errors(data):
                    problems.append(f"{where}: {op} request: {e.json_path}: {e.message}")
                for e in validator(file, op + ".reply").iter_errors(frame["data"]):
                    problems.append(f"{where}: {op} reply: {e.json_path}: {e.message}")
    for p in problems:
        print(p)
    print(f"{len(schemas)} schemas, {checked} frames checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
