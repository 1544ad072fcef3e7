"""Loading conformance cases (format §4): ``*.json`` case files and the ```` ```case ````
blocks of rule pages (``*.md``), from files and folders."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from identity_model.conformance import Case, CaseFormatError, case_from_json
from identity_model.io.limits import JsonRefused, loads_line

CASE_BLOCK = re.compile(r"^```case\n(.*?)^```", re.DOTALL | re.MULTILINE)


def cases_in_markdown(text: str, origin: str) -> Iterator[Case]:
    """Every ```` ```case ```` block of a rule page, in order."""
    for match in CASE_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        where = f"{origin}:{line}"
        yield case_from_json(_json(match.group(1), where), where)


def _json(text: str, where: str) -> Any:
    """A case's JSON, held to the limits of a script line (#17: nesting, huge integers, NaN,
    duplicate keys, lone surrogates): a ``CaseFormatError`` naming the file, never a crash."""
    try:
        return loads_line(text)
    except json.JSONDecodeError as error:
        raise CaseFormatError(f"{where}: not JSON: {error}") from error
    except JsonRefused as error:
        raise CaseFormatError(f"{where}: {error.code.value}: {error.message}") from None


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CaseFormatError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CaseFormatError(f"{path}: not UTF-8 text (byte {error.start})") from None


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Cases from files and folders: ``*.json`` case files and ``*.md`` rule pages."""
    found: list[Case] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                load_cases(sorted(p for p in path.rglob("*") if p.suffix in (".json", ".md")))
            )
        elif path.suffix == ".md":
            found.extend(cases_in_markdown(_text(path), str(path)))
        else:
            found.append(case_from_json(_json(_text(path), str(path)), str(path)))
    return found
