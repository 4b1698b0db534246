"""One estimate timed side by side: this working tree, an earlier revision, and EcoLogits.

    python -m bench.side_by_side [REVISION] [--rounds N]     (REVISION: main by default)

The revision is extracted from git into a temporary folder. Three processes (the revision, this
tree, EcoLogits' compute_llm_impacts in its venv under .bench/) take turns timing bursts of 300
calls, so that a busy spell of a shared machine weighs on all three alike; each prints the median
of its bursts' medians and the median ratio of each round to EcoLogits. The profiles are those of
section 1 of bench/run.py: training + inference + lifecycle with full provenance, and inference
alone in EcoLogits' scope. Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BURST = 300


def _child(kind: str, profile: str) -> None:
    """Time bursts of one estimate (or EcoLogits' call), a burst per line read on stdin."""
    if kind == "eco":
        from ecologits.electricity_mix_repository import electricity_mixes
        from ecologits.impacts.llm import compute_llm_impacts

        mix = electricity_mixes.find_electricity_mix("FRA")
        kwargs = {"model_active_parameter_count": 70, "model_total_parameter_count": 70,
                  "output_token_count": 400, "if_electricity_mix_adpe": mix.adpe,
                  "if_electricity_mix_pe": mix.pe, "if_electricity_mix_gwp": mix.gwp,
                  "if_electricity_mix_wue": mix.wue, "datacenter_pue": 1.2,
                  "datacenter_wue": 0.569, "request_latency": None}

        def call() -> object:
            return compute_llm_impacts(**kwargs)
    else:
        sys.path.insert(0, str(Path.cwd()))  # the lca of the tree this child runs in
        import lca

        body = json.loads(profile)

        def call() -> object:
            return lca.estimate(body)
    for _ in range(BURST):
        call()
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        print(json.dumps(statistics.median(times) * 1e6), flush=True)


def _extract(revision: str, folder: Path) -> None:
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")


def compare(revision: str, rounds: int) -> None:
    """Print the side-by-side medians for both profiles of bench/run.py."""
    from bench.run import PROFILE, venv

    eco = venv("ecologits", ["ecologits==0.11.3"])
    inference_only = {"model": {"parameters": 70e9}, "uncertainty": False,
                      "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA",
                                    "output_tokens": 400,
                                    "datacenter": {"pue": 1.2, "wue": 0.569}}}
    with tempfile.TemporaryDirectory() as folder:
        _extract(revision, Path(folder))
        for label, profile in (("training + inference + lifecycle", PROFILE),
                               ("inference only (EcoLogits' scope)", inference_only)):
            body = json.dumps(profile)
            kinds = {revision: ([sys.executable, __file__, "--child", "lca", body], folder),
                     "this tree": ([sys.executable, __file__, "--child", "lca", body], ROOT),
                     "EcoLogits": ([str(eco), __file__, "--child", "eco", ""], ROOT)}
            children = {name: subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE,
                                               stdout=subprocess.PIPE, text=True)
                        for name, (command, cwd) in kinds.items()}
            found: dict[str, list[float]] = {name: [] for name in children}
            for _ in range(rounds):
                for name, child in children.items():
                    child.stdin.write(f"{BURST}\n")  # type: ignore[union-attr]
                    child.stdin.flush()  # type: ignore[union-attr]
                    found[name].append(json.loads(child.stdout.readline()))  # type: ignore[union-attr]
            for child in children.values():
                child.stdin.close()  # type: ignore[union-attr]
                child.wait()
            print(f"{label}: medians of {rounds} rounds of {BURST} calls")
            for name, times in found.items():
                ratio = statistics.median(a / b for a, b in zip(times, found["EcoLogits"],
                                                                strict=True))
                print(f"   {name:12s} {statistics.median(times):7.1f} us   {ratio:.2f}x EcoLogits")


def main() -> None:
    if "--child" in sys.argv:
        _child(sys.argv[2], sys.argv[3])
        return
    rounds = 40
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
        del sys.argv[sys.argv.index("--rounds"):sys.argv.index("--rounds") + 2]
    compare(sys.argv[1] if len(sys.argv) > 1 else "main", rounds)


if __name__ == "__main__":
    main()
