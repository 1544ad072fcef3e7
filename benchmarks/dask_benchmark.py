"""The Dask engine against the single process, on the same generated workload file.

Runs ``identity-model replay FILE --format summary`` in one process and with
``--engine dask --workers W`` (a ``distributed.LocalCluster``), checks that both print the same
summary, and prints wall seconds (the cluster's start included), events per second, the ratio
and the growth from the smallest to the largest size. A benchmark, not a test.

    python benchmarks/dask_benchmark.py                         # 1M events, 2 workers
    python benchmarks/dask_benchmark.py --sizes 1000000 10000000 --visitors 200000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from month_benchmark import write_workload  # noqa: E402


def timed(command: list[str]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{command} failed: {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--visitors", type=int, default=200_000, help="a fixed visitor pool")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; LocalCluster workers: {args.workers}")
    head = f"{'events':>10} {'ids':>8} | {'single s':>9} {'ev/s':>8} |"
    print(f"{head} {'dask s':>8} {'ev/s':>8} | ratio")
    first: tuple[int, float, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"workload-{size}.jsonl"
            ids = write_workload(path, size, args.visitors)
            base = [
                sys.executable,
                "-m",
                "identity_model",
                "replay",
                str(path),
                "--format",
                "summary",
            ]
            single_time, single = timed(base)
            dask_time, distributed = timed(
                [*base, "--engine", "dask", "--workers", str(args.workers), "--spill-dir", folder]
            )
            if single != distributed:
                sys.exit(f"the summaries differ at {size}: {single} != {distributed}")
            print(
                f"{size:>10} {ids:>8} | {single_time:>9.1f} {size / single_time:>8.0f} |"
                f" {dask_time:>8.1f} {size / dask_time:>8.0f} | {dask_time / single_time:.2f}x"
            )
            if first is None:
                first = (size, single_time, dask_time)
            else:
                growth = size / first[0]
                print(
                    f"  growth x{growth:.0f} in events: single x{single_time / first[1]:.1f},"
                    f" dask x{dask_time / first[2]:.1f}"
                )
            path.unlink()


if __name__ == "__main__":
    main()
