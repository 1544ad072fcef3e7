"""A generated Segment archive (gzipped JSON Lines) through `identity-model compare`: peak memory.

Not a timed test: run it by hand, e.g.

    python benchmarks/segment_archive_benchmark.py --records 1000000 --users 50000

It writes the archive once (streamed, a fixed seed), then runs `compare --from segment` on the
full archive and on a tenth of it with the same users, each in a fresh process, and prints the
peak resident memory of each (``ru_maxrss`` of the child). Memory bounded by the identity state
means the two peaks are close although one file is ten times the other.

Measured (shared 2-core machine): 1,000,000 records from 50,000 visitors, 273 s, 327 MiB;
5,000 visitors: 100,000 records 58 MiB, 1,000,000 records 59 MiB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 1, 1, tzinfo=UTC)
PAGES = ["/", "/pricing", "/docs", "/blog", "/signup", "/app"]
EVENTS = ["Signed Up", "Project Created", "Invite Sent", "Report Viewed", "Plan Upgraded"]


def messages(records: int, users: int, seed: int = 13) -> Iterator[dict[str, Any]]:
    """Visitors browse anonymously, some sign up (identify with their anonymous id), then use
    the product while logged in; a backend sends some track calls with only a userId."""
    rng = random.Random(seed)
    signed_up: set[int] = set()
    moment = START
    for index in range(records):
        moment += timedelta(milliseconds=rng.randint(1, 3000))
        visitor = rng.randrange(users)
        anonymous = f"anon-{visitor:07d}"
        user = f"user-{visitor:07d}"
        base = {"messageId": f"m-{index}", "timestamp": moment.isoformat().replace("+00:00", "Z")}
        roll = rng.random()
        if visitor not in signed_up:
            if roll < 0.08:
                signed_up.add(visitor)
                yield {
                    **base,
                    "type": "identify",
                    "anonymousId": anonymous,
                    "userId": user,
                    "traits": {"email": f"{user}@example.com", "plan": "free"},
                }
            else:
                page = rng.choice(PAGES)
                yield {
                    **base,
                    "type": "page",
                    "anonymousId": anonymous,
                    "properties": {"path": page, "url": f"https://example.com{page}"},
                    "context": {"ip": "203.0.113.9", "page": {"path": page}},
                }
        elif roll < 0.3:
            yield {
                **base,
                "type": "track",
                "userId": user,
                "event": rng.choice(EVENTS),
                "properties": {"source": "backend"},
            }
        else:
            yield {
                **base,
                "type": rng.choice(["track", "page"]),
                "anonymousId": anonymous,
                "userId": user,
                "event": rng.choice(EVENTS),
                "context": {"ip": "203.0.113.9"},
            }


def write_archive(path: Path, records: int, users: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as out:
        for message in messages(records, users):
            out.write(json.dumps(message, separators=(",", ":")))
            out.write("\n")


_CHILD = """
import resource, sys
from identity_model.cli import main
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"PEAK_KIB {peak}", file=sys.stderr)
sys.exit(code)
"""


def run_compare(path: Path) -> tuple[float, int, str]:
    """(seconds, peak RSS in MiB, stdout) of `compare --from segment` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "compare", "--from", "segment", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    peaks = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KIB ")]
    if done.returncode not in (0, 1) or not peaks:
        raise SystemExit(f"compare failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, int(peaks[-1].split()[1]) // 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--only", choices=("full", "tenth"), help="run one size only")
    args = parser.parse_args()
    sizes = {"tenth": args.records // 10, "full": args.records}
    for name, records in sizes.items():
        if args.only and name != args.only:
            continue
        path = args.dir / f"segment-archive-{records}-{args.users}.jsonl.gz"
        if not path.exists():
            started = time.perf_counter()
            write_archive(path, records, args.users)
            print(
                f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB gzipped) in "
                f"{time.perf_counter() - started:.0f} s"
            )
        elapsed, peak, stdout = run_compare(path)
        print(
            f"{name}: {records:,} records, {args.users:,} visitors: compare took {elapsed:.0f} s, "
            f"peak RSS {peak} MiB"
        )
        print("\n".join("    " + line for line in stdout.splitlines()[:8]))


if __name__ == "__main__":
    main()
