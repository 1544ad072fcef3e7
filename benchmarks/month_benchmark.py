"""A month of traffic, measured as a user runs it: whole processes, the same JSON Lines file.

For each size, writes a generated server workload to a file, then runs
``identity-model replay FILE --format summary`` and the honest baseline
(``benchmarks/baseline.py``: a straightforward mutable-dict replay of the same rules, stdlib
``json`` included) as subprocesses, ``--repeat`` interleaved pairs of them, checks that both
print the same summary, and prints the median CPU seconds (user + system, ``wait4``), events
per second of CPU time (per core: both are single-threaded), each process's peak memory
(``wait4``'s maxrss) and the median of the pairs' ratios. ``--json`` also measures
``replay --format json`` (streamed: memory bounded by identities). The oracle ratio (the
naive ``identity_model_spec.oracle`` against the model, in-process,
``replay_benchmark.py``) is printed for the first size up to ``--oracle-events``. A
benchmark, not a test: nothing here asserts a time (``tests/test_benchmark_baseline.py``
checks that both sides do the same work).

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
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from workload import server_events  # noqa: E402


def write_workload(path: Path, size: int, visitors: int | None, *, timestamps: bool = False) -> int:
    """Writes ``size`` lines; returns the number of distinct ids in them. ``timestamps``:
    every line has one, as a real export's lines do (``2026-01-01T00:00:00.250Z``, a quarter
    second apart), so the timestamp parsing of both sides is measured too."""
    ids: set[str] = set()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as handle:
        for number, event in enumerate(islice(server_events(visitors=visitors), size)):
            ids.add(event["distinct_id"])
            if timestamps:
                moment = start + timedelta(milliseconds=250 * number)
                stamp = moment.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"
                event = {**event, "timestamp": stamp}  # noqa: PLW2901 (the line as written)
            handle.write(json.dumps(event, separators=(",", ":")) + "\n")
    return len(ids)


def measure(command: list[str]) -> tuple[float, int, dict[str, Any] | None]:
    """(CPU seconds, peak RSS in MB, the summary printed, if JSON) of one child process."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"{command} failed with {status}")
        out.seek(0)
        head = out.read(1 << 16)
    try:
        summary = json.loads(head)
    except ValueError:
        summary = None  # (a report longer than we read)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, summary


def model(path: Path, form: str = "summary") -> list[str]:
    return [sys.executable, "-m", "identity_model", "replay", str(path), "--format", form]


def baseline(path: Path) -> list[str]:
    return [sys.executable, str(HERE / "baseline.py"), str(path)]


def run_sizes(
    sizes: list[int],
    visitors: int | None,
    folder: Path,
    repeat: int,
    with_json: bool,
    *,
    timestamps: bool = False,
) -> None:
    print(
        f"cores: {os.cpu_count()}; visitors: {visitors or 'a new visitor per visit'}; "
        f"{'a timestamp on every line; ' if timestamps else ''}"
        f"{repeat} interleaved pairs per size, medians; ev/s per core (CPU time)"
    )
    header = f"{'events':>10} {'ids':>9} | {'model s':>8} {'ev/s':>9} {'MB':>6} |"
    header += f" {'base s':>7} {'ev/s':>9} {'MB':>6} | {'ratio':>6}"
    print(header + (f" | {'json s':>7} {'MB':>6}" if with_json else ""))
    for size in sizes:
        path = folder / f"workload-{size}.jsonl"
        ids = write_workload(path, size, visitors, timestamps=timestamps)
        runs: list[tuple[float, int, float, int]] = []
        for _ in range(repeat):
            base_time, base_mb, base_summary = measure(baseline(path))
            model_time, model_mb, model_summary = measure(model(path))
            if base_summary != model_summary:
                sys.exit(f"summaries differ at {size}: {base_summary} != {model_summary}")
            runs.append((model_time, model_mb, base_time, base_mb))
        model_time = statistics.median(run[0] for run in runs)
        base_time = statistics.median(run[2] for run in runs)
        ratio = statistics.median(run[0] / run[2] for run in runs)
        line = (
            f"{size:>10} {ids:>9} | {model_time:>8.2f} {size / model_time:>9.0f}"
            f" {max(run[1] for run in runs):>6} |"
            f" {base_time:>7.2f} {size / base_time:>9.0f} {max(run[3] for run in runs):>6} |"
            f" {ratio:>5.2f}x"
        )
        if with_json:
            json_time, json_mb, _ = measure(model(path, "json"))
            line += f" | {json_time:>7.2f} {json_mb:>6}"
        print(line, flush=True)
        path.unlink()


def oracle_ratio(events: int, repeat: int) -> None:
    """The model against the naive oracle (``replay_benchmark.py``), in-process, GC on."""
    from replay_benchmark import model_run, oracle_run, server_workload, timed  # noqa: PLC0415

    script = server_workload(events)
    ratios = []
    for _ in range(repeat):
        naive_time, naive_report = timed(lambda: oracle_run(script), collect=True)
        model_time, model_report = timed(lambda: model_run(script), collect=True)
        if naive_report != model_report:
            sys.exit("the model and the oracle report differently: nothing is compared")
        ratios.append(model_time / naive_time)
    print(
        f"against the naive oracle ({events} events, same report, in-process, wall time): "
        f"median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}x-{max(ratios):.2f}x)"
    )


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
    parser.add_argument("--repeat", type=int, default=3, help="interleaved pairs per size")
    parser.add_argument("--json", action="store_true", help="also replay --format json")
    parser.add_argument(
        "--timestamps", action="store_true", help="a timestamp on every line (real exports)"
    )
    parser.add_argument(
        "--oracle-events",
        type=int,
        default=200_000,
        help="the oracle ratio's workload (0: skip it)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.memory_curve:
            memory_curve(Path(folder))
            return
        run_sizes(
            args.sizes,
            args.visitors,
            Path(folder),
            args.repeat,
            args.json,
            timestamps=args.timestamps,
        )
    if args.oracle_events:
        oracle_ratio(args.oracle_events, args.repeat)


if __name__ == "__main__":
    main()
