"""``identity-model check``: conformance cases (format §4) against an adapter."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, UsageError
from identity_model.conformance import AdapterLoadError, differences, load_adapter
from identity_model.io.cases import CaseError, read_cases

MAX_DIFFERENCES = 20  # per failing case; the rest are counted


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        adapter = load_adapter(args.impl)
    except AdapterLoadError as error:
        raise UsageError(str(error)) from None
    paths = [Path(path) for path in args.cases]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    cases = read_cases(paths)
    if not cases:
        raise UsageError("no cases found (case files are *.json; rule pages *.md)")
    passed = failed = errors = 0
    for case in cases:
        if isinstance(case, CaseError):
            # Format extension (#9): a malformed case is an error of that case; go on.
            errors += 1
            out.write(f"ERROR {case.message}\n")
            continue
        found = differences(case.expect, adapter(list(case.script)))
        if not found:
            passed += 1
            out.write(f"PASS {case.id}\n")
            continue
        failed += 1
        out.write(f"FAIL {case.id} ({case.origin}): {len(found)} difference(s)\n")
        for difference in found[:MAX_DIFFERENCES]:
            out.write(f"  {difference}\n")
        if len(found) > MAX_DIFFERENCES:
            out.write(f"  ... and {len(found) - MAX_DIFFERENCES} more\n")
    summary = f"\n{passed} passed, {failed} failed"
    out.write(summary + (f", {errors} malformed\n" if errors else "\n"))
    return EXIT_FAILED if failed or errors else EXIT_OK
