"""A table of 100,000 profiles in-process, each run with a fresh Estimator (no plan cached).

    python -m bench.table [runs]

The two sets of section 2 of bench/run.py: 500 distinct profiles repeated, and every profile
different (about 5,000 shapes). Prints each run (wall-clock and CPU time) and the median; with
``--stages`` also where the time of the fastest run went. Nothing here is asserted by the test
suite. Issue 14's target is 1 s for each set.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.profiles import catalogue, varied

STEPS = ("split and plan every profile", "  of which planning", "stacks",
         "  of which binding columns", "  of which calculating")


def stages() -> dict[str, float]:
    """Wrap the table's steps to add up the CPU time of each (a few % slower while wrapped)."""
    from lca import estimator
    from lca.engine import table

    spent: dict[str, float] = {}

    def timed(owner: object, name: str, label: str) -> None:
        function = getattr(owner, name)

        def wrapper(*args: object) -> object:
            start = time.process_time()
            try:
                return function(*args)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start
        setattr(owner, name, wrapper)

    for (owner, name), step in zip(((table, "_read"), (estimator.Estimator, "plan"),
                                    (table, "_calculate_stack"), (table, "bind_columns"),
                                    (table, "calculate")), STEPS, strict=True):
        timed(owner, name, step)
    return spent


def main() -> None:
    from lca import Estimator, estimate_table

    runs = int(next((a for a in sys.argv[1:] if a.isdigit()), 3))
    spent = stages() if "--stages" in sys.argv else None
    for label, profiles in (("500 distinct profiles, repeated", catalogue(100_000, 500, seed=3)),
                            ("every profile different", varied(100_000, seed=2))):
        times, cpus, fastest = [], [], None
        for _ in range(runs):
            if spent is not None:
                spent.clear()
            start, cpu = time.perf_counter(), time.process_time()
            table = estimate_table(profiles, factors=Estimator())
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            assert not table["errors"]
            if spent is not None and times[-1] == min(times):
                fastest = dict(spent)
        print(f"{label:32s} median {statistics.median(times):.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in times)}; CPU time: "
              f"{', '.join(f'{t:.3f}' for t in cpus)})")
        for step in STEPS if fastest else ():
            print(f"   {step:32s} {fastest.get(step, 0.0):.3f} s")


if __name__ == "__main__":
    main()
