"""A month of traffic, measured as a user runs it: whole processes, the same JSON Lines file.

For each size, writes a generated server workload to a file, then runs
``identity-model replay FILE --format summary`` and the honest baseline
(``benchmarks/baseline.py``: a straightforward mutable-dict replay of the same rules, stdlib
``json`` included) as subprocesses, checks that both print the same summary, and prints CPU
seconds, events per second, the ratio and each process's peak memory (``wait4``'s maxrss).
A benchmark, not a test: nothing here asserts a time.

    python benchmarks/month_benchmark.py                      # 200k, 1M
    python benchmarks/month_benchmark.py --sizes 200000 1000000 10000000 --visitors 100000
    python benchmarks/month_benchmark.py --memory-curve       # peak memory vs events and vs ids

``--visitors N`` draws visits from a fixed pool of N visitors (about 2N distinct ids), so a
longer file adds events, not identities: memory must then stay flat as the file grows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from workload import server_events  # noqa: E402


def write_workload(path: Path, size: int, visitors: int | None) -> int:
    """Writes ``size`` lines; returns the number of distinct ids in them."""
    ids: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for line in islice(server_events(visitors=visitors), size):
            ids.add(line["distinct_id"])
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
    return len(ids)


def measure(command: list[str]) -> tuple[float, int, dict[str, Any]]:
    """(CPU seconds, peak RSS in MB, the summary printed) of one child process."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"{command} failed with {status}")
        out.seek(0)
        summary = json.loads(out.read())
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, summary


def model(path: Path) -> list[str]:
    return [sys.executable, "-m", "identity_model", "replay", str(path), "--format", "summary"]


def baseline(path: Path) -> list[str]:
    return [sys.executable, str(HERE / "baseline.py"), str(path)]


def run_sizes(sizes: list[int], visitors: int | None, folder: Path) -> None:
    print(f"cores: {os.cpu_count()}; visitors: {visitors or 'a new visitor per visit'}")
    header = f"{'events':>10} {'ids':>9} | {'model s':>8} {'ev/s':>9} {'MB':>6} |"
    print(header + f" {'base s':>7} {'ev/s':>9} {'MB':>6} | {'ratio':>6}")
    for size in sizes:
        path = folder / f"workload-{size}.jsonl"
        ids = write_workload(path, size, visitors)
        base_time, base_mb, base_summary = measure(baseline(path))
        model_time, model_mb, model_summary = measure(model(path))
        if base_summary != model_summary:
            sys.exit(f"summaries differ at {size}: {base_summary} != {model_summary}")
        print(
            f"{size:>10} {ids:>9} | {model_time:>8.2f} {size / model_time:>9.0f} {model_mb:>6} |"
            f" {base_time:>7.2f} {size / base_time:>9.0f} {base_mb:>6} |"
            f" {model_time / base_time:>5.2f}x"
        )
        path.unlink()


def memory_curve(folder: Path) -> None:
    print("peak memory of the model (MB): fixed identities, growing events")
    for size in (250_000, 500_000, 1_000_000, 2_000_000):
        path = folder / "curve.jsonl"
        ids = write_workload(path, size, 20_000)
        _, mb, _ = measure(model(path))
        print(f"  {size:>9} events, {ids:>7} ids: {mb:>5} MB")
    print("peak memory of the model (MB): fixed events, growing identities")
    for visitors in (10_000, 40_000, 160_000, None):
        path = folder / "curve.jsonl"
        ids = write_workload(path, 1_000_000, visitors)
        _, mb, _ = measure(model(path))
        print(f"  1000000 events, {ids:>7} ids: {mb:>5} MB")
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--visitors", type=int, default=None, help="a fixed visitor pool")
    parser.add_argument("--memory-curve", action="store_true", help="memory vs events and ids")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.memory_curve:
            memory_curve(Path(folder))
        else:
            run_sizes(args.sizes, args.visitors, Path(folder))


if __name__ == "__main__":
    main()
