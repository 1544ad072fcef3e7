"""The README's commands and example are the real ones."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
CI = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.DOTALL | re.MULTILINE)


def test_first_command_installs_and_runs_the_built_in_example() -> None:
    first = blocks("sh")[0].strip()
    assert first.endswith("&& identity-model replay")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install, _, test_command = blocks("sh")[1].strip().partition(" && ")
    assert "install -e '.[test]'" in install
    assert CI.strip().splitlines()[-1] == test_command
    assert shlex.split(test_command) == ["python", "-m", "pytest"]


def test_python_example_runs_as_shown() -> None:
    (code,) = blocks("python")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    outcome = namespace["outcome"]
    assert str(outcome.event.billed_as) == "identified"  # type: ignore[attr-defined]
    assert outcome.rules == ("SV-01", "SV-22", "SV-29")  # type: ignore[attr-defined]


def test_cross_vendor_compare_prints_what_the_readme_shows() -> None:
    """Issue #14: the README's `compare --vendors` on the built-in worked example, and its
    output as shown."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    found = re.search(
        r"^```sh\n(identity-model example --name vendors \| .*?)\n```\n\n```text\n(.*?)^```",
        README,
        re.DOTALL | re.MULTILINE,
    )
    assert found is not None, "the README shows compare --vendors on the worked example"
    command, shown = found.groups()
    runnable = command.replace("identity-model", f"{shlex.quote(sys.executable)} -m identity_model")
    result = subprocess.run(runnable, shell=True, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown
