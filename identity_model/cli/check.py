"""``identity-model check``: conformance cases (format §4) against an adapter."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, UsageError
from identity_model.conformance import (
    AdapterLoadError,
    CaseFormatError,
    differences,
    load_adapter,
)
from identity_model.io.cases import load_cases


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        adapter = load_adapter(args.impl)
    except AdapterLoadError as error:
        raise UsageError(str(error)) from None
    paths = [Path(path) for path in args.cases]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    try:
        cases = load_cases(paths)
    except CaseFormatError as error:
        raise UsageError(str(error)) from None
    if not cases:
        raise UsageError("no cases found (case files are *.json; rule pages *.md)")
    failed = 0
    for case in cases:
        found = differences(case.expect, adapter(list(case.script)))
        if found:
            failed += 1
            out.write(f"FAIL {case.id} ({case.origin}): {found[0]}\n")
        else:
            out.write(f"PASS {case.id}\n")
    out.write(f"\n{len(cases) - failed} passed, {failed} failed\n")
    return EXIT_FAILED if failed else EXIT_OK
