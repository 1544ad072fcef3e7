"""``identity-model replay|compare --engine dask``: the same report, folded on Dask by identity
component (``identity_model.io.dask_replay``). Without ``--scheduler`` a
``distributed.LocalCluster`` with one worker process per core runs on this machine."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, TextIO

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

if TYPE_CHECKING:
    from identity_model.io.dask_replay import DaskCompare

INSTALL = "the Dask engine needs the [dask] extra: python -m pip install 'identity-model[dask]'"
SCRIPTS_ONLY = (
    "--engine dask replays scripts of ours: write the export as one first (identity-model import)"
)
NOT_VENDORS = (
    "--engine dask runs compare across person_profiles modes, not --vendors (each vendor links "
    "identities its own way: the components differ); run compare --vendors without --engine"
)
ENGINE_FLAGS = ("scheduler", "workers", "partitions", "spill_dir")


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command runs on Dask; the engine's flags checked first (usage errors)."""
    engine = getattr(args, "engine", "local")
    given = [name for name in ENGINE_FLAGS if getattr(args, name, None) is not None]
    if engine != "dask":
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            raise UsageError(f"{flags}: only with --engine dask")
        return False
    for name in ("workers", "partitions"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise UsageError(f"--{name} {value}: at least 1")
    if getattr(args, "scheduler", None) is not None and getattr(args, "workers", None) is not None:
        raise UsageError(
            "--workers sizes a LocalCluster; with --scheduler the cluster's own workers fold"
        )
    return True


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
        lines: Iterator[tuple[int, bytes | TooLong]] = numbered_lines(runner, err, stack, settings)
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


def compare(
    args: argparse.Namespace,
    runner: Runner,
    err: TextIO,
    configs: Callable[[Config], Sequence[Config]],
) -> DaskCompare:
    """``compare --engine dask``: the script under each config ``configs(script config)``
    gives, folded on Dask; its rejected lines (the first config's, as the single process
    reports them) on ``err``. ``configs`` also checks the settings (#17), once every line is
    read and before any is replayed."""
    try:
        from identity_model.io.dask_replay import compare_on_dask  # noqa: PLC0415
    except ImportError:
        raise UsageError(INSTALL) from None
    chosen: list[Config] = []

    def settings(config: Config) -> None:
        chosen.extend(configs(config))

    with ExitStack() as stack:
        client = _client(args, stack)
        found = compare_on_dask(
            numbered_lines(runner, err, stack, settings),
            runner.reader,
            configs=lambda _: chosen,
            client=client,
            partitions=args.partitions,
            spill_dir=args.spill_dir,
        )
    if found.modes:
        runner.report(err, found.modes[0].rejected)
    return found
