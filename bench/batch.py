"""Batch against a loop of single estimates, in the same run (issue: batch >= 20x faster).

    python -m bench.batch [count]

Prints profiles per second for: a loop of lca.estimate, lca.batch.estimate_batch, a loop of
POST /v1/estimates and one POST /v1/estimates/batch through Flask's test client (the web layer
without sockets), and the ratios.
"""

from __future__ import annotations

import json
import sys
import time

from bench.profiles import varied


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:10.0f} profiles/s  ({seconds / count * 1e6:8.1f} us/profile)"


def main(count: int = 2000) -> None:
    import lca
    from api import create_app
    from lca.batch import estimate_batch

    profiles = varied(count)
    client = create_app().test_client()
    lca.estimate(profiles[0])

    def clear() -> None:
        from lca import load_factor_set
        load_factor_set().cache.clear()

    clear()
    start = time.perf_counter()
    for p in profiles:
        lca.estimate(p)
    loop = time.perf_counter() - start
    clear()
    start = time.perf_counter()
    estimate_batch(profiles)
    batch = time.perf_counter() - start
    clear()
    start = time.perf_counter()
    for p in profiles:
        client.post("/v1/estimates", data=json.dumps(p), content_type="application/json")
    http_loop = time.perf_counter() - start
    clear()
    body = json.dumps({"profiles": profiles})
    start = time.perf_counter()
    response = client.post("/v1/estimates/batch", data=body, content_type="application/json")
    http_batch = time.perf_counter() - start
    assert response.status_code == 200
    print(f"{count} varied profiles (training + inference + lifecycle), cold section cache")
    print(f"in-process loop of lca.estimate      {rate(count, loop)}")
    print(f"in-process lca.batch.estimate_batch  {rate(count, batch)}   x{loop / batch:.1f}")
    print(f"HTTP loop of POST /v1/estimates      {rate(count, http_loop)}")
    print(f"HTTP one POST /v1/estimates/batch    {rate(count, http_batch)}   "
          f"x{http_loop / http_batch:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
