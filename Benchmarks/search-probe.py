# Posts a unique word into its own channel and searches for it at once, every 50 ms, for SECONDS:
# prints how many searches missed the post just acknowledged and the search latency (p50/p99/max).
# Usage: python3 Benchmarks/search-probe.py URL TOKEN SECONDS  (needs `pip install websockets`)
import asyncio, json, sys, time, uuid
import websockets
async def main(url, token, seconds):
    async with websockets.connect(url, max_size=None) as ws:
        n = 0
        async def req(op, data):
            nonlocal n
            n += 1; rid = f"r{n}"
            await ws.send(json.dumps({"id": rid, "op": op, "data": data}))
            while True:
                f = json.loads(await ws.recv())
                if f.get("re") == rid: return f
        h = await req("hello", {"token": token})
        ch = await req("channel.create", {"name": "probe-" + uuid.uuid4().hex[:8]})
        cid = ch["data"]["id"]
        lat = []; missed = 0; end = time.time() + seconds
        while time.time() < end:
            word = "w" + uuid.uuid4().hex[:12]
            await req("message.post", {"channel": cid, "body": f"probe {word}"})
            t = time.perf_counter()
            r = await req("search", {"query": word})
            lat.append((time.perf_counter() - t) * 1000)
            if not r.get("ok") or len(r["data"]["results"]) != 1: missed += 1
            await asyncio.sleep(0.05)
        lat.sort()
        print(json.dumps({"searches": len(lat), "missed": missed, "p50_ms": round(lat[len(lat)//2], 2),
                          "p99_ms": round(lat[int(len(lat)*0.99)], 2), "max_ms": round(lat[-1], 2)}))
asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
