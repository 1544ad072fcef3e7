"""Replay a generated 200k-event workload through identity-model and through the naive
oracle (mutable dicts; ``identity_model_spec.oracle``), both from the same JSON objects to the same
report, and print the time ratio. A benchmark, not a test: nothing here asserts a time.

    python benchmarks/replay_benchmark.py [--events 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from workload import server_workload

from identity_model.conformance import run as model_run
from identity_model_spec.oracle import run as oracle_run


def timed(function: Callable[[], Any], *, collect: bool) -> tuple[float, Any]:
    """One run; ``collect=False`` runs it with the cyclic GC paused."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        start = time.perf_counter()
        result = function()
        return time.perf_counter() - start, result
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000, help="workload size (lines)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved pairs of runs")
    args = parser.parse_args()
    script = server_workload(args.events)
    print(f"workload: {len(script)} ingest lines; both sides go from the same JSON objects")
    print("to the same identity-model-report/1 report (parse + replay + report).")
    print(f"{args.repeat} interleaved pairs of runs; the ratio is the median of the pairs' ratios.")
    model_report: dict[str, Any] = {}
    for collect in (True, False):
        naive_times, model_times, ratios = [], [], []
        for _ in range(args.repeat):
            naive_time, naive_report = timed(lambda: oracle_run(script), collect=collect)
            model_time, model_report = timed(lambda: model_run(script), collect=collect)
            if naive_report != model_report:
                sys.exit("the two reports differ: the benchmark compares nothing")
            naive_times.append(naive_time)
            model_times.append(model_time)
            ratios.append(model_time / naive_time)
        label = "GC on (as users run it)" if collect else "GC paused (algorithmic cost)"
        print(f"\n{label}")
        print(
            "  naive baseline (identity_model_spec.oracle, mutable dicts): "
            f"best {min(naive_times):6.2f} s"
        )
        print(
            f"  identity-model (persistent maps, immutable world): best {min(model_times):6.2f} s"
        )
        print(
            f"  ratio identity-model / naive: median {statistics.median(ratios):.2f}x "
            f"(range {min(ratios):.2f}x-{max(ratios):.2f}x; goal: <= 2x)"
        )
    print(f"\npersons: {len(model_report['persons'])}, usage: {model_report['usage']}")


if __name__ == "__main__":
    main()
