"""``identity-model example [--name NAME]``: a shipped example script, to copy and edit
(``first-visit``, the default; ``vendors``, the cross-vendor worked example of issue #14)."""

from __future__ import annotations

import argparse
from typing import TextIO

from identity_model.cli.runner import EXIT_OK, example_bytes


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(example_bytes(args.name).decode("utf-8"))
    return EXIT_OK
