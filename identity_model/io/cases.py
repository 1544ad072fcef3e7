"""Loading conformance cases (format §4): ``*.json`` case files and the ```` ```case ````
blocks of rule pages (``*.md``), from files and folders."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from identity_model.conformance import Case, CaseFormatError, case_from_json

CASE_BLOCK = re.compile(r"^```case\n(.*?)^```", re.DOTALL | re.MULTILINE)


def cases_in_markdown(text: str, origin: str) -> Iterator[Case]:
    """Every ```` ```case ```` block of a rule page, in order."""
    for match in CASE_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        where = f"{origin}:{line}"
        try:
            data = json.loads(match.group(1))
        except json.JSONDecodeError as error:
            raise CaseFormatError(f"{where}: not JSON: {error}") from error
        yield case_from_json(data, where)


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Cases from files and folders: ``*.json`` case files and ``*.md`` rule pages."""
    found: list[Case] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                load_cases(sorted(p for p in path.rglob("*") if p.suffix in (".json", ".md")))
            )
        elif path.suffix == ".md":
            found.extend(cases_in_markdown(path.read_text(encoding="utf-8"), str(path)))
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise CaseFormatError(f"{path}: not JSON: {error}") from error
            found.append(case_from_json(data, str(path)))
    return found
