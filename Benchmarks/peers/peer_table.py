#!/usr/bin/env python3
"""Reads the JSON lines of Benchmarks/peers/run.sh and prints its tables (medians over rounds),
each figure also as a ratio to swarmd with `synchronous = full` ("swarm")."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
failed = [r for r in rows if r.get("failed")]
rows = [r for r in rows if not r.get("failed")]
peers = []
for r in rows:
    if r["peer"] not in peers:
        peers.append(r["peer"])


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(value, base):
    if value is None or not base:
        return "–"
    return f"×{value / base:.2f}"


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


fan = defaultdict(list)
for r in rows:
    if r["scenario"] == "fanout":
        fan[(r["rate"], r["peer"])].append(r)
if fan:
    print("| posts/s | server | delivered/s (of offered) | p50 ms | p99 ms | server CPU µs/delivery | CPU ratio to swarm | p99 ratio to swarm | load |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for rate in sorted({k[0] for k in fan}):
        base = fan.get((rate, "swarm"), [])
        base_cpu = median(r["us_per_delivery"] for r in base)
        base_p99 = median(r["p99_ms"] for r in base)
        for peer in peers:
            runs = fan.get((rate, peer))
            if not runs:
                continue
            offered = median(r["expected"] / r["seconds"] for r in runs)
            cpu = median(r["us_per_delivery"] for r in runs)
            p99 = median(r["p99_ms"] for r in runs)
            print(f"| {rate:g} | {peer} | {median(r['delivered_per_s'] for r in runs):,.0f} ({offered:,.0f}) "
                  f"| {fmt(median(r['p50_ms'] for r in runs))} | {fmt(p99)} | {fmt(cpu)} "
                  f"| {ratio(cpu, base_cpu)} | {ratio(p99, base_p99)} | {runs[0]['load']} |")
idle = {r["peer"]: r for r in rows if r["scenario"] == "idle"}
if idle:
    base = idle.get("swarm", {})
    print()
    print("| server | idle connections | RSS KiB each | ratio to swarm | login CPU ms each | ratio to swarm | idle CPU (share of a core) | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for peer in peers:
        r = idle.get(peer)
        if not r:
            continue
        print(f"| {peer} | {r['connections']:,} | {fmt(r['rss_kib_each'])} | {ratio(r['rss_kib_each'], base.get('rss_kib_each'))} "
              f"| {fmt(r['login_cpu_ms_each'], 2)} | {ratio(r['login_cpu_ms_each'], base.get('login_cpu_ms_each'))} "
              f"| {r['idle_cpu_share']:.4f} | {r['load']} |")
for r in failed:
    print(f"\nfailed: {r['peer']} {r['scenario']} (see driver.log in the work directory)")
