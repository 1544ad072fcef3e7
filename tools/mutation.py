"""``tox -e mutation``: the mutation score of the rule modules (issue #12). Too slow for CI.

Runs ``mutmut run`` over the modules listed in ``[tool.mutmut] only_mutate`` (pyproject.toml)
against its fast test selection, then prints the score: killed (or timed out) mutants over all
mutants except the equivalent ones listed, with the reason each cannot be killed, in
``tools/mutation-equivalents.json``. Survivors not on that list are printed with their diff:
each is a missing test or a new equivalent to explain.

    python tools/mutation.py [--max-children N] [--no-run] [MUTANT_GLOB ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROSE_ARGUMENT = re.compile(r"\b(sentence|message)=[^,()]+")
STRING = re.compile(r"""(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""")
EQUIVALENTS = Path(__file__).with_name("mutation-equivalents.json")
KILLED = {"killed", "timeout"}


def mutmut(*args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=ROOT,
        env={**os.environ, "HYPOTHESIS_PROFILE": "mutation"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and not quiet:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"mutmut {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def statuses() -> dict[str, str]:
    found = {}
    for line in mutmut("results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def diff_of(name: str) -> str:
    """``mutmut show NAME``, in this process (one interpreter for every survivor)."""
    try:
        from mutmut.__main__ import find_mutant, get_diff_for_mutant  # noqa: PLC0415

        return str(get_diff_for_mutant(name, path=find_mutant(name).path))
    except Exception:  # an internal API that moved: ask the command instead
        return mutmut("show", name, quiet=True)


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    lines = diff.splitlines()
    return [ln[2:] for ln in lines if ln.startswith("- ")], [
        ln[2:] for ln in lines if ln.startswith("+ ")
    ]


def _without(line: str, start: int, end: int) -> str:
    """``line`` with the string literal at ``start:end`` (and an f prefix) replaced by None."""
    if start and line[start - 1] == "f":
        start -= 1
    return line[:start] + "None" + line[end:]


def is_message_text(diff: str) -> bool:
    """A mutant that only rewrites prose (a string of three or more words: a step's message, an
    error's explanation) changes nothing the format or the API promises: equivalent by rule."""
    before, after = changed_lines(diff)
    if len(before) != len(after) or not before:
        return False
    for old, new in zip(before, after, strict=True):
        prose = [m for m in STRING.finditer(old) if len(m.group("text").split()) >= 3]
        if any(_without(old, m.start(), m.end()) == new for m in prose):
            continue  # the whole sentence replaced by None
        if PROSE_ARGUMENT.sub(r"\1=None", old) == new != old:
            continue  # a sentence= / message= argument replaced by None
        if STRING.sub('""', old) != STRING.sub('""', new):
            return False
        olds = [m.group("text") for m in STRING.finditer(old)]
        news = [m.group("text") for m in STRING.finditer(new)]
        if len(olds) != len(news):
            return False
        for a, b in zip(olds, news, strict=True):
            if a != b and len(a.split()) < 3:
                return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", default="2", help="parallel test processes (default 2)")
    parser.add_argument("--no-run", action="store_true", help="report the last run only")
    parser.add_argument("mutants", nargs="*", help="only these mutant names (globs)")
    args = parser.parse_args()
    if not args.no_run:
        mutmut("run", "--max-children", args.max_children, *args.mutants)
    found = statuses()
    if args.mutants:
        found = {k: v for k, v in found.items() if any(fnmatch(k, g) for g in args.mutants)}
    equivalent: dict[str, str] = json.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    counts = Counter(found.values())
    unchecked = {n for n, status in found.items() if status == "not checked"}
    excluded = {
        n
        for n, status in found.items()
        if n in equivalent and status not in KILLED and n not in unchecked
    }
    for name in sorted(n for n in found if n in equivalent and n not in excluded):
        print(f"note: {name} is listed as equivalent but was killed; drop it from the list")
    killed = sum(1 for status in found.values() if status in KILLED)
    listed = len(excluded)
    survivors = []
    messages = 0
    for name in sorted(n for n, status in found.items() if status not in KILLED):
        if name in excluded or name in unchecked:
            continue
        diff = diff_of(name)
        if is_message_text(diff):
            messages += 1
            excluded.add(name)
            continue
        survivors.append(name)
        print(f"--- {name}: {found[name]}")
        print("\n".join(line for line in diff.splitlines() if line[:2] in ("- ", "+ ")))
    judged = len(found) - len(excluded) - len(unchecked)
    print()
    print(f"not run yet (excluded from the score until a run reaches them): {len(unchecked)}")
    print(f"message text only (equivalent by rule, excluded): {messages}")
    print(f"mutants: {len(found)}  {dict(sorted(counts.items()))}")
    print(f"equivalent (listed with a reason, excluded): {listed}")
    print(f"unexplained survivors: {len(survivors)}")
    modules: dict[str, Counter[str]] = {}
    for name, status in found.items():
        module = name.split(".x")[0].removeprefix("identity_model.")
        verdict = "excluded" if name in excluded else status
        modules.setdefault(module, Counter())[verdict] += 1
    for module, tally in sorted(modules.items()):
        done = sum(tally[k] for k in KILLED)
        judged_here = sum(tally.values()) - tally["excluded"] - tally["not checked"]
        share = f"{100.0 * done / judged_here:.1f}%" if judged_here else "-"
        print(f"  {module:<32} {share:>6}  {dict(sorted(tally.items()))}")
    score = 100.0 * killed / judged if judged else 100.0
    print(f"mutation score: {killed}/{judged} = {score:.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
