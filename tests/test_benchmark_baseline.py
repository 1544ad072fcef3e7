"""The month benchmark compares equal work: on small generated workloads the honest baseline
(``benchmarks/baseline.py``) and ``identity-model replay --format summary`` print the same
summary. Not timed: the benchmark itself prints the figures (#10)."""

from __future__ import annotations

import io
import json
import sys
from itertools import islice
from pathlib import Path

import pytest

from identity_model.cli import main

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import baseline  # noqa: E402
from workload import server_events  # noqa: E402


@pytest.mark.parametrize("visitors", [None, 300])
def test_the_baseline_and_the_model_agree_on_a_small_workload(
    visitors: int | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(line, separators=(",", ":"))
        for line in islice(server_events(visitors=visitors), 4000)
    ]
    path = tmp_path / "workload.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = baseline.replay(io.StringIO(path.read_text(encoding="utf-8")))
    assert main(["replay", str(path), "--format", "summary"]) == 0
    model = json.loads(capsys.readouterr().out)
    assert model == expected
    assert expected["persons"] > 0 and expected["usage"]["identified_events"] > 0
