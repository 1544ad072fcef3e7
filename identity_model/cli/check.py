"""``identity-model check``: conformance cases (format §4) against an adapter."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from identity_model.cli.terminal import printable
from identity_model.conformance import (
    Adapter,
    AdapterLoadError,
    Case,
    differences,
    load_adapter,
)
from identity_model.io.cases import CaseError, read_cases

MAX_DIFFERENCES = 20  # per failing case; the rest are counted


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # An adapter module in the current directory imports as it does under pytest (#17).
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
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
            # Format extension (#9, #12): a malformed case is an error of that case, one line
            # on stderr (#17); the other cases still run, and the run ends as a usage error.
            errors += 1
            err.write(printable(f"ERROR {case.message}") + "\n")
            continue
        found = _check(adapter, case)
        if not found:
            passed += 1
            out.write(printable(f"PASS {case.id}") + "\n")
            continue
        failed += 1
        out.write(printable(f"FAIL {case.id} ({case.origin}): {len(found)} difference(s)") + "\n")
        for difference in found[:MAX_DIFFERENCES]:
            out.write(printable(f"  {difference}") + "\n")
        if len(found) > MAX_DIFFERENCES:
            out.write(f"  ... and {len(found) - MAX_DIFFERENCES} more\n")
    summary = f"\n{passed} passed, {failed} failed"
    out.write(summary + (f", {errors} malformed\n" if errors else "\n"))
    if errors:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _check(adapter: Adapter, case: Case) -> list[str]:
    """Where the adapter's report fails the case; an adapter that raises (or returns what
    cannot even be compared) fails this case only, and the next case still runs (#17)."""
    try:
        return differences(case.expect, adapter(list(case.script)))
    except Exception as error:  # the code under test may raise anything
        return [f"the adapter raised {type(error).__name__}: {error}"]
