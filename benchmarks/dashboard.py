"""Dashboard under load: 50 signed-in users for 60 seconds on loopback, on the demo store.

    python benchmarks/dashboard.py [--store demo/scorecard.duckdb] [--users 50] [--seconds 60]
                                   [--think 0]

The server runs in its own process (`scorecard serve`, one uvicorn worker) over a copy of the
store. Each simulated user signs in once, then walks the overview, a measure page and - when
the measures layer returns member rows - a drill-down, in a loop. With no think time (the
default) this is the worst case of 50 people clicking continuously; ``--think T`` has each user
read a page for a random 0.5T to 1.5T seconds before the next click (locust's ``between``), as
people do. The quarter's figures are built before the
clock starts (a page never recomputes the catalogue). Prints request count, throughput, errors
and latency percentiles per page kind; docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password, long enough"
MEASURES = [
    "assessments_within_45_working_days",
    "icpc_within_15_working_days",
    "cla_reviews_in_timescale",
    "referrals",
    "cla_three_plus_placements",
    "rereferrals_within_12_months",
]
DRILL = ["assessments_within_45_working_days", "cla_reviews_in_timescale"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


async def wait_ready(client: httpx.AsyncClient, path: str) -> None:
    """GET until the page is built (202 'preparing' until the background build finishes)."""
    for _ in range(3600):
        r = await client.get(path)
        if r.status_code == 200:
            return
        await asyncio.sleep(1)
    raise SystemExit(f"{path} never became ready")


async def sign_in(base: str, user: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = await client.post(
        "/login", data={"username": user, "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    if r.status_code != 303:
        raise SystemExit(f"sign-in failed: {r.status_code}")
    return client


def server_ms(response: httpx.Response) -> float | None:
    """The server's own time for the request (its Server-Timing header)."""
    found = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else None


async def one_by_one(client: httpx.AsyncClient, period: str, drill: bool, n: int = 30) -> None:
    """Each page kind requested n times by one user alone: what a request costs unqueued."""
    print(f"one user, one request at a time ({n} of each):")
    print(f"{'page':<12}{'wall p50':>10}{'server p50':>12}{'server p95':>12}")
    kinds = [
        ("overview", f"/?period={period}"),
        ("measure", f"/measures/{MEASURES[0]}?period={period}"),
    ]
    if drill:
        kinds.append(("drill-down", f"/measures/{DRILL[0]}/children?period={period}"))
    kinds.append(("login page", "/login"))
    for kind, path in kinds:
        walls, servers = [], []
        for _ in range(n):
            began = time.perf_counter()
            r = await client.get(path)
            walls.append((time.perf_counter() - began) * 1000)
            servers.append(server_ms(r) or 0.0)
        print(
            f"{kind:<12}{percentile(walls, 50):>10.1f}{percentile(servers, 50):>12.1f}"
            f"{percentile(servers, 95):>12.1f}"
        )


def bare_duckdb(store: Path, period: str, n: int = 20) -> None:
    """Baseline: open the store read-only and read the quarter's stored results, nothing else
    (what a page would cost if it read the store on every request)."""
    import duckdb

    times = []
    for _ in range(n):
        began = time.perf_counter()
        with duckdb.connect(str(store), read_only=True) as con:
            rows = con.execute(
                "SELECT * FROM measure_results WHERE period = ?", [period]
            ).fetchall()
        times.append((time.perf_counter() - began) * 1000)
    print(
        f"bare DuckDB: open read-only and read {len(rows)} stored results of {period}: "
        f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms"
    )


async def walk(client, period, drill, stop, timings, errors, servers, think=0.0) -> None:
    pace = random.Random(id(client))
    i = 0
    while time.perf_counter() < stop:
        m = MEASURES[i % len(MEASURES)]
        steps = [("overview", f"/?period={period}"), ("measure", f"/measures/{m}?period={period}")]
        if drill:
            d = DRILL[i % len(DRILL)]
            steps.append(("drill-down", f"/measures/{d}/children?period={period}"))
        for kind, path in steps:
            began = time.perf_counter()
            try:
                r = await client.get(path)
                ok = r.status_code == 200
                servers.setdefault(kind, []).append(server_ms(r) or 0.0)
            except httpx.HTTPError:
                ok = False
            timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
            if not ok:
                errors.append(kind)
            if think:
                await asyncio.sleep(pace.uniform(0.5 * think, 1.5 * think))
        i += 1


async def run(base: str, users: int, seconds: float, period: str, think: float) -> None:
    admin = await sign_in(base, "bench")
    for path in ["/", f"/?period={period}"] + [f"/measures/{m}?period={period}" for m in MEASURES]:
        await wait_ready(admin, path)
    drill = (await admin.get(f"/measures/{DRILL[0]}/children?period={period}")).status_code == 200
    for d in DRILL if drill else []:
        await wait_ready(admin, f"/measures/{d}/children?period={period}")
    await one_by_one(admin, period, drill)
    clients = [await sign_in(base, "bench") for _ in range(users)]
    servers: dict[str, list[float]] = {}
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    began = time.perf_counter()
    stop = began + seconds
    await asyncio.gather(
        *(walk(c, period, drill, stop, timings, errors, servers, think) for c in clients)
    )
    elapsed = time.perf_counter() - began
    every = [t for ts in timings.values() for t in ts]
    print(
        f"{users} users for {elapsed:.0f} s: {len(every):,} requests, {len(every) / elapsed:,.0f}/s, "
        f"{len(errors)} errors; drill-down {'included' if drill else 'not available'}; "
        f"think time {f'{0.5 * think:g}-{1.5 * think:g} s' if think else 'none'}"
    )
    print(
        f"{'page':<12}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}"
        f"{'server p50':>12}{'server p95':>12}"
    )
    all_servers = [t for ts in servers.values() for t in ts]
    for kind, ts in [*timings.items(), ("all", every)]:
        own = all_servers if kind == "all" else servers.get(kind, [])
        print(
            f"{kind:<12}{len(ts):>10,}{percentile(ts, 50):>10.0f}{percentile(ts, 95):>10.0f}"
            f"{percentile(ts, 99):>10.0f}{max(ts):>10.0f}"
            f"{percentile(own, 50):>12.1f}{percentile(own, 95):>12.1f}"
        )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for c in [admin, *clients]:
        await c.aclose()


def prepare(store: Path) -> None:
    """Leave the copy as `scorecard ingest` of this version would: the schema up to date, the
    measure results stored and the DfE rules' faults recorded (nothing to do when it is)."""
    sys.path.insert(0, str(ROOT / "src"))
    from csc_scorecard.measures.results import refresh_after_load
    from csc_scorecard.quality.history import record_after_load
    from csc_scorecard.store import Store

    began = time.perf_counter()
    with Store(store) as db:
        print(refresh_after_load(db), f"({time.perf_counter() - began:.1f} s)")
        print(record_after_load(db.con, db.authorities()))
    print(f"load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=ROOT / "demo" / "scorecard.duckdb")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--period", default="2022-Q1")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between clicks")
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(f"no store at {args.store}: run `make demo` first")
    # A kept copy of the store: its figures, built once, are reused by the next run (the
    # dashboard keeps built contexts beside the state file, keyed by the load history).
    folder = ROOT / "benchmarks" / "results" / f"dashboard-{args.store.parent.name}"
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "scorecard.duckdb"
    if not store.exists() or store.stat().st_mtime < args.store.stat().st_mtime:
        shutil.copy(args.store, store)
    prepare(store)
    bare_duckdb(store, args.period)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cli = [sys.executable, "-c", "from csc_scorecard.cli import app; app()"]
    add = ["users", "add", "bench", "--role", "analyst", "--password-stdin", "--store", str(store)]
    # exits 2 when the user is there from an earlier run
    subprocess.run(
        [*cli, *add], check=False, input=PASSWORD + "\n", text=True, env=env, capture_output=True
    )
    port = free_port()
    framework = ROOT / "examples" / "doncaster-2022" / "framework.yaml"
    serve = ["serve", "--store", str(store), "--port", str(port), "--framework", str(framework)]
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen([*cli, *serve], env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(run(base, args.users, args.seconds, args.period, args.think))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
