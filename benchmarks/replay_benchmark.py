"""Replay a generated 200k-event workload through identity-model and through the naive
oracle (mutable dicts; ``spec_tests.oracle``), both from the same JSON objects to the same
report, and print the time ratio. A benchmark, not a test: nothing here asserts a time.

    python benchmarks/replay_benchmark.py [--events 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from workload import server_workload

from identity_model.conformance import run as model_run
from spec_tests.oracle import run as oracle_run


def best_of(repeat: int, function: Callable[[], Any], *, collect: bool) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs; ``collect=False`` runs with the cyclic GC paused."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            result = function()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000, help="workload size (lines)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best counts)")
    args = parser.parse_args()
    script = server_workload(args.events)
    print(f"workload: {len(script)} ingest lines; both sides go from the same JSON objects")
    print("to the same identity-model-report/1 report (parse + replay + report).")
    for collect in (True, False):
        naive_time, naive_report = best_of(args.repeat, lambda: oracle_run(script), collect=collect)
        model_time, model_report = best_of(args.repeat, lambda: model_run(script), collect=collect)
        if naive_report != model_report:
            sys.exit("the two reports differ: the benchmark compares nothing")
        label = "GC on (as users run it)" if collect else "GC paused (algorithmic cost)"
        print(f"\n{label}")
        print(f"  naive baseline (spec_tests.oracle, mutable dicts): {naive_time:6.2f} s")
        print(f"  identity-model (persistent maps, immutable world): {model_time:6.2f} s")
        print(f"  ratio identity-model / naive: {model_time / naive_time:.2f}x  (goal: <= 2x)")
    print(f"\npersons: {len(model_report['persons'])}, usage: {model_report['usage']}")


if __name__ == "__main__":
    main()
