"""``identity-model example``: the built-in example script, to copy and edit."""

from __future__ import annotations

import argparse
from typing import TextIO

from identity_model.cli.runner import EXIT_OK, example_bytes


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(example_bytes().decode("utf-8"))
    return EXIT_OK
