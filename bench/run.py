"""The benchmarks of the issue "Benchmarks and speed", measured side by side in one run.

    make bench            (or: python -m bench.run [--quick])

1. one estimate in-process (training + inference + lifecycle, no Monte Carlo) against
   EcoLogits 0.11.3's compute_llm_impacts for the same inference profile, in its own venv;
2. a batch of 100,000 profiles in-process;
3. 10,000 Monte Carlo samples of one profile;
4. HTTP under gunicorn (workers = cores, loopback load generator): POST /v1/estimates against
   GET /healthz on the same server, p50/p99, and BoaviztAPI's server-impact endpoint under the
   same load as a peer footprint service;
5. resident memory of a warmed worker;
6. peak resident memory of a worker serving each of the largest requests (bench/memory.py);
7. a request log through lca.usage beside the single-estimate loop it replaces, and 10 million
   log rows end to end from Parquet and JSON lines files, on one and two Dask workers
   (bench/usage_log.py; --quick: 200,000 rows);
8. how close the default Monte Carlo's low and high come to a 200,000-draw reference
   (bench/accuracy.py).
Targets are ratios or medians measured in this run; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.load import free_port, start_clients, start_server, workers_of
from bench.memory import memory
from bench.montecarlo import monte_carlo_request
from bench.profiles import catalogue, varied
from bench.timing import median_us
from lca.method import DEFAULT_SAMPLES

ROOT = Path(__file__).resolve().parents[1]
VENVS = ROOT / ".bench"
PROFILE = {"model": "llama-3.1-70b",
           "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7e6 h",
                        "location": "USA", "datacenter": "meta"},
           "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "output_tokens": 400,
                         "datacenter": {"pue": 1.2}, "requests_per_day": 1e6,
                         "duration": "18 month"},
           "uncertainty": False}


def venv(name: str, packages: list[str]) -> Path:
    """A venv under .bench/ with ``packages``, created on first use."""
    python = VENVS / name / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENVS / name)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def single(rounds: int) -> None:
    """Our estimate and EcoLogits' in alternating rounds, so that a busy spell of this shared
    machine weighs on both; the ratio is the median of the rounds' ratios."""
    import lca
    from lca import Estimator

    like_for_like = {"model": {"parameters": 70e9}, "uncertainty": False,
                     "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA",
                                   "output_tokens": 400, "datacenter": {"pue": 1.2, "wue": 0.569}}}
    profiles = varied(3000, seed=1)
    for p in profiles:
        p["uncertainty"] = False
    python = venv("ecologits", ["ecologits==0.11.3"])
    figures: dict[str, list[float]] = {"ours": [], "inference_only": [], "cold": [], "eco": []}
    for _ in range(rounds):
        figures["eco"].append(json.loads(subprocess.run(
            [str(python), str(ROOT / "bench" / "ecologits_timing.py")], check=True,
            capture_output=True, text=True).stdout)["median_us"])
        figures["ours"].append(median_us(lambda: lca.estimate(PROFILE)))
        figures["inference_only"].append(median_us(lambda: lca.estimate(like_for_like)))
        iterator = iter(profiles * 2)
        cold = Estimator()  # a fresh estimator: no plan cached
        figures["cold"].append(median_us(lambda it=iterator, e=cold: e.estimate(next(it))))

    def show(label: str, key: str) -> None:
        ratio = statistics.median(a / b for a, b in zip(figures[key], figures["eco"],
                                                        strict=True))
        print(f"   {label:34s}{statistics.median(figures[key]):8.1f} us   {ratio:.2f}x EcoLogits")

    each = ", ".join(f"{a / b:.2f}" for a, b in zip(figures["ours"], figures["eco"], strict=True))
    print(f"1. one estimate in-process: medians of {rounds} rounds alternating with EcoLogits "
          f"(same profile, each round: {each})")
    show("lca, same profile repeated", "ours")
    show("lca, inference only (EcoLogits' scope: 70B, 400 tokens, FRA, PUE 1.2)", "inference_only")
    show("lca, varied profiles", "cold")
    print(f"   {'EcoLogits compute_llm_impacts':34s}{statistics.median(figures['eco']):8.1f} us   "
          "(inference only)")


def batch(count: int) -> None:
    from lca import Estimator, estimate_batch, estimate_columns, estimate_table

    print(f"2. batch of {count:,} profiles in-process: a list of profiles in, a table of "
          "figures out (lca.engine.table);\n   10,000 of them as full responses "
          "(lca.engine.batch) against a "
          "list of lca.estimate results")
    for label, profiles in (("500 distinct profiles, repeated", catalogue(count, 500, seed=3)),
                            ("every profile different", varied(count, seed=2))):
        start = time.perf_counter()
        table = estimate_table(profiles, factors=Estimator())
        tabled = time.perf_counter() - start
        assert not table["errors"]
        subset = profiles[:10_000]
        start = time.perf_counter()
        estimate_batch(subset, Estimator())
        rendered = time.perf_counter() - start
        fresh = Estimator()
        start = time.perf_counter()
        # the results are kept, as a caller would
        kept = [fresh.estimate(p, uncertainty_by_default=False) for p in subset]
        loop = time.perf_counter() - start
        del kept
        print(f"   {label:33s} table {tabled:5.2f} s ({tabled / count * 1e6:5.1f} us/profile); "
              f"10,000 full: batch {rendered:.2f} s, loop {loop:.2f} s ({loop / rendered:.1f}x)")
    columns = {"inference.input_tokens": [p["inference"]["input_tokens"] for p in profiles],
               "inference.output_tokens": [p["inference"]["output_tokens"] for p in profiles],
               "inference.batch_size": [p["inference"]["batch_size"] for p in profiles],
               "inference.requests": [p["inference"]["requests"] for p in profiles],
               "training.accelerator_hours": [p["training"]["accelerator_hours"]
                                              for p in profiles]}
    base = {**profiles[0], "uncertainty": False}
    start = time.perf_counter()
    estimate_columns(base, columns)
    columnar = time.perf_counter() - start
    print(f"   columnar form, {count:,} rows (base + 5 varied fields)  {columnar:6.3f} s "
          f"({columnar / count * 1e6:.2f} us/row)")


def monte_carlo() -> None:
    import lca

    profile = {**PROFILE, "uncertainty": {"samples": 10_000, "seed": 0}}
    ms = median_us(lambda: lca.estimate(profile), repeat=30) / 1000
    print(f"3. 10,000 Monte Carlo samples of one profile, whole estimate: {ms:.1f} ms (median)")


def load(port: int, method: str, path: str, body: bytes | None, total: int,
         concurrency: int) -> tuple[float, float, float, int]:
    results: list = []
    start = time.perf_counter()
    clients = start_clients(port, total, concurrency, results, [(method, path, body, 200)])
    for client in clients:
        client.join(timeout=120)
    elapsed = time.perf_counter() - start
    latencies = sorted(r[0] for r in results)
    errors = sum(1 for r in results if not r[1])
    return (len(results) / elapsed, statistics.median(latencies) * 1e3,
            latencies[int(len(latencies) * 0.99) - 1] * 1e3, errors)


def http(total: int, concurrency: int) -> None:
    workers = os.cpu_count() or 2
    port = free_port()
    proc = start_server(port, workers)
    estimate_body = json.dumps(PROFILE).encode()
    mc_body = json.dumps({**PROFILE, "uncertainty": True}).encode()
    rows = []
    try:
        for label, method, path, body in (
                ("GET /healthz", "GET", "/healthz", None),
                ("POST /v1/estimates", "POST", "/v1/estimates", estimate_body),
                (f"POST /v1/estimates, Monte Carlo {DEFAULT_SAMPLES}", "POST", "/v1/estimates",
                 mc_body)):
            rows.append((label, *load(port, method, path, body, total, concurrency)))
        batch_rate = http_batch(port, 2000)
        rss = [int(line.split()[1]) for pid in workers_of(proc)
               for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:")]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    rows.append(boavizta(total, concurrency, workers))
    print(f"4. HTTP, {workers} workers, {concurrency} connections from this machine, "
          f"{total} requests each")
    for label, rps, p50, p99, errors in rows:
        print(f"   {label:38s} {rps:7.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
              f"  errors {errors}")
    print(f"   POST /v1/estimates / GET /healthz  {rows[1][1] / rows[0][1]:.2f}x (no ranges); "
          f"{rows[2][1] / rows[0][1]:.2f}x with the default Monte Carlo (what users send)")
    print(f"   POST /v1/estimates/batch, 2,000 varied profiles in one request: {batch_rate:.0f} "
          f"profiles/s, {batch_rate / rows[1][1]:.1f}x the single-estimate request rate")
    print(f"5. resident memory of warmed workers: {', '.join(f'{k / 1024:.0f} MB' for k in rss)}")


def http_batch(port: int, count: int) -> float:
    """Profiles per second through one POST /v1/estimates/batch (summary view)."""
    import http.client

    body = json.dumps({"profiles": [{**p, "uncertainty": False} for p in varied(count, seed=4)],
                       "view": "summary"}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    connection.request("POST", "/v1/estimates/batch", body=body,
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    return count / (time.perf_counter() - start)


def boavizta(total: int, concurrency: int, workers: int) -> tuple:
    python = venv("boavizta", ["boaviztapi==2.5.0", "uvicorn"])
    port = free_port()
    proc = subprocess.Popen([str(python), "-m", "uvicorn", "boaviztapi.main:app", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers),
                             "--log-level", "warning"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        path = "/v1/server/?verbose=false"
        for _ in range(600):
            try:
                import http.client
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", path)
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        return ("BoaviztAPI GET /v1/server/ (peer)", *load(port, "GET", path, None, total,
                                                           concurrency))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    single(1 if quick else 5)
    batch(20_000 if quick else 100_000)
    monte_carlo()
    monte_carlo_request(1 if quick else 5)
    http(1000 if quick else 4000, 8)
    memory()
    from bench import leaderboard

    leaderboard.side_by_side(1000 if quick else 5000)
    from bench.usage_log import files_end_to_end, side_by_side

    side_by_side(20_000 if quick else 100_000)
    files_end_to_end(200_000 if quick else 10_000_000)
    from bench import accuracy

    accuracy.main(2 if quick else 8)


if __name__ == "__main__":
    main()
