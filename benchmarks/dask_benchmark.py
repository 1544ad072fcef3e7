"""The Dask engine against the single process, on the same generated workload file.

For each size, runs ``identity-model replay FILE --format summary`` in one process and with
``--engine dask --workers W`` (a ``distributed.LocalCluster`` of W worker processes), checks
that both print the same summary, and prints for each: wall seconds (the cluster's start
included), events per second (wall), peak memory, then the ratio Dask / single; at the end the
growth from the smallest to the largest size (time and memory). ``--compare`` also times
``identity-model compare FILE --format json`` both ways (three sessions per component: about
three times a replay). ``--shape`` prints the identity components of each workload (how many,
and the largest one's share of the operations: what bounds the parallelism), from one more
read of the file in this process. A benchmark, not a test.

Memory: for the single process, its peak resident set (``wait4``); for Dask, the peak of the
*sum* over the command's process tree (driver, scheduler, workers: sampled every 0.2 s with
``psutil``) and, in brackets, the largest single process (``wait4``).

The workload is streamed to a file (``--folder``, default a temporary folder; 10M events are
about 1.1 GB; the Dask run spills about 3 GB more at its peak) and generated once, at the
largest size: each smaller size is a copy of the first lines of that file (the generator is
deterministic, so a prefix is exactly the smaller workload).

    python benchmarks/dask_benchmark.py --sizes 20000 50000          # a smoke run, ~30 s
    python benchmarks/dask_benchmark.py --sizes 1000000 10000000 --shape   # issue #15's run

On 2 cores, extrapolated from 50k and 200k events: the 1M/10M run takes about 12 minutes
(10M: ~2 min single, ~8 min Dask), ``--shape`` adds about 6, ``--compare`` about 40.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from workload import server_events  # noqa: E402


@dataclass(frozen=True, slots=True, kw_only=True)
class Measured:
    seconds: float  # wall
    tree_mb: int  # the peak of the process tree's summed resident sets (sampled)
    largest_mb: int  # the largest single process's peak (wait4)
    output: Any  # the JSON printed


def write_workload(path: Path, sizes: list[int], visitors: int) -> dict[int, int]:
    """The generated workload, ``max(sizes)`` lines streamed line by line (only the distinct
    ids are held, and they stop growing with a fixed visitor pool); the distinct ids in the
    first ``size`` lines, for each size."""
    ids: set[str] = set()
    found: dict[int, int] = {}
    with path.open("w", encoding="utf-8") as handle:
        for count, line in enumerate(islice(server_events(visitors=visitors), max(sizes)), 1):
            ids.add(line["distinct_id"])
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
            if count in sizes:
                found[count] = len(ids)
    return found


def prefix(source: Path, target: Path, lines: int) -> None:
    """The first ``lines`` lines of ``source`` into ``target`` (bytes, as written)."""
    with source.open("rb") as reading, target.open("wb") as writing:
        writing.writelines(islice(reading, lines))


def _tree_rss(process: Any) -> int:
    import psutil  # noqa: PLC0415 (installed with distributed, the [dask] extra)

    total = 0
    try:
        for one in (process, *process.children(recursive=True)):
            try:
                total += one.memory_info().rss
            except psutil.Error:
                continue
    except psutil.Error:
        return 0
    return total


def measure(command: list[str]) -> Measured:
    """Run ``command``; its wall time, memory and the JSON it printed."""
    import psutil  # noqa: PLC0415

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            try:
                watched = psutil.Process(child.pid)
            except psutil.Error:  # already gone
                return
            while not done.wait(0.2):
                peak = max(peak, _tree_rss(watched))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            err.seek(0)
            sys.exit(f"{command} failed ({child.returncode}): {err.read()[-2000:].decode()}")
        out.seek(0)
        output = json.loads(out.read())
    largest = usage.ru_maxrss // 1024
    return Measured(
        seconds=seconds, tree_mb=max(peak >> 20, largest), largest_mb=largest, output=output
    )


def shape(path: Path) -> tuple[int, float]:
    """The workload's identity components: how many, and the largest one's share of the
    operations (the engine's own partitioning, ``identity_model.partition``)."""
    from identity_model.io.script import ScriptOp, ScriptReader  # noqa: PLC0415
    from identity_model.partition.components import GLOBAL, IdentityComponents  # noqa: PLC0415
    from identity_model.vendor import vendor_named  # noqa: PLC0415

    reader = ScriptReader()
    components = IdentityComponents()
    anchors: Counter[int] = Counter()
    operations = 0
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            item = reader.read_line(number, text)
            if not isinstance(item, ScriptOp):
                continue
            operations += 1
            anchor = components.add(vendor_named(reader.config.vendor).identity_keys(item.op))
            if anchor != GLOBAL:
                anchors[anchor] += 1
    if not anchors:
        return 0, 0.0
    labels = components.components()
    sizes: Counter[int] = Counter()
    for anchor, count in anchors.items():
        sizes[labels[anchor]] += count
    return len(sizes), max(sizes.values()) / operations


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--visitors", type=int, default=200_000, help="a fixed visitor pool")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", help="where the workload and the spill go (default: /tmp)")
    parser.add_argument("--compare", action="store_true", help="time compare too")
    parser.add_argument("--shape", action="store_true", help="print the identity components")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    print(
        f"cores: {os.cpu_count()}; LocalCluster: {args.workers} worker processes, 1 thread each;"
        f" visitors: {args.visitors}; wall seconds (the cluster's start included); MB: peak"
        " resident memory (Dask: the process tree's sum, [largest process])",
        flush=True,
    )
    commands = [("replay", ["--format", "summary"])]
    if args.compare:
        commands.append(("compare", ["--format", "json"]))
    first: dict[str, tuple[int, Measured, Measured]] = {}
    last: dict[str, tuple[int, Measured, Measured]] = {}
    with tempfile.TemporaryDirectory(dir=args.folder, prefix="dask-benchmark-") as folder:
        whole = Path(folder) / "workload.jsonl"
        start = time.perf_counter()
        distinct = write_workload(whole, sizes, args.visitors)
        print(f"wrote {sizes[-1]} events in {time.perf_counter() - start:.0f} s", flush=True)
        head = f"{'':8} {'events':>10} {'ids':>8} | {'single s':>9} {'ev/s':>7} {'MB':>6} |"
        print(f"{head} {'dask s':>8} {'ev/s':>7} {'MB':>14} | ratio", flush=True)
        for size in sizes:
            path = whole if size == sizes[-1] else Path(folder) / f"workload-{size}.jsonl"
            if path != whole:
                prefix(whole, path, size)
            ids = distinct[size]
            if args.shape:
                count, largest = shape(path)
                print(
                    f"  {size} events: {count} identity components, the largest holds"
                    f" {largest:.2%} of the operations",
                    flush=True,
                )
            for name, options in commands:
                base = [sys.executable, "-m", "identity_model", name, str(path), *options]
                single = measure(base)
                dask = measure(
                    [
                        *base,
                        *("--engine", "dask", "--workers", str(args.workers)),
                        *("--spill-dir", folder),
                    ]
                )
                if single.output != dask.output:
                    sys.exit(f"{name} differs at {size}: {single.output} != {dask.output}")
                print(
                    f"{name:8} {size:>10} {ids:>8} | {single.seconds:>9.1f}"
                    f" {size / single.seconds:>7.0f} {single.largest_mb:>6} |"
                    f" {dask.seconds:>8.1f} {size / dask.seconds:>7.0f}"
                    f" {dask.tree_mb:>6} [{dask.largest_mb:>5}] |"
                    f" {dask.seconds / single.seconds:.2f}x",
                    flush=True,
                )
                first.setdefault(name, (size, single, dask))
                last[name] = (size, single, dask)
            path.unlink()
    for name, (size, single, dask) in last.items():
        small, single_0, dask_0 = first[name]
        if size == small:
            continue
        print(
            f"{name}: x{size / small:g} events ({small} -> {size}): single x"
            f"{single.seconds / single_0.seconds:.1f} time, x"
            f"{single.largest_mb / single_0.largest_mb:.1f} memory; dask x"
            f"{dask.seconds / dask_0.seconds:.1f} time, x{dask.tree_mb / dask_0.tree_mb:.1f} memory"
        )


if __name__ == "__main__":
    main()
