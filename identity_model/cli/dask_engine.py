"""``identity-model replay --engine dask``: the same report, folded on Dask by identity
component (``identity_model.io.dask_replay``). Without ``--scheduler`` a
``distributed.LocalCluster`` with one worker process per core runs on this machine."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, TextIO

from identity_model.cli.runner import (
    EXIT_FAILED,
    EXIT_OK,
    Runner,
    UsageError,
    dump,
    numbered_lines,
)
from identity_model.io.limits import TooLong
from identity_model.operations import Config
from identity_model.outcome import Status

INSTALL = "the Dask engine needs the [dask] extra: python -m pip install 'identity-model[dask]'"


def _client(args: argparse.Namespace, stack: ExitStack) -> Any:
    try:
        import distributed  # noqa: PLC0415 (the optional extra)
    except ImportError:
        raise UsageError(INSTALL) from None
    client_class: Any = distributed.Client
    cluster_class: Any = distributed.LocalCluster
    if args.scheduler:
        try:
            return stack.enter_context(client_class(args.scheduler, timeout="10s"))
        except OSError as error:
            raise UsageError(f"--scheduler {args.scheduler}: cannot connect: {error}") from None
    workers = args.workers or os.cpu_count() or 1
    cluster = stack.enter_context(
        cluster_class(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        )
    )
    return stack.enter_context(client_class(cluster))


def run(
    args: argparse.Namespace,
    runner: Runner,
    out: TextIO,
    err: TextIO,
    settings: Callable[[Config], object] | None = None,
) -> int:
    """``settings(config)``: the replay's checks of the config (#17), once every line is read
    and before any is replayed."""
    if args.format == "text":
        raise UsageError("--engine dask prints --format json or --format summary")
    try:
        from identity_model.io.dask_replay import replay_on_dask  # noqa: PLC0415
    except ImportError:
        raise UsageError(INSTALL) from None
    with ExitStack() as stack:
        client = _client(args, stack)
        lines: Iterator[tuple[int, str | TooLong | None]] = numbered_lines(
            runner, err, stack, settings
        )
        result = replay_on_dask(
            lines,
            runner.reader,
            want=args.format,
            client=client,
            partitions=args.partitions,
            spill_dir=args.spill_dir,
        )
    runner.report(err, result.rejected)  # before the output: a broken pipe keeps them (#17)
    if args.format == "json":
        dump(result.report, out)
    else:
        dump(
            {
                "format": "identity-model-summary/1",
                "steps": {status.value: result.outcomes[status] for status in Status},
                **(result.summary or {}),
            },
            out,
        )
    return EXIT_FAILED if runner.rejected else EXIT_OK
