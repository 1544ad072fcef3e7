"""Loading conformance cases (format §4): ``*.json`` case files and the ```` ```case ````
blocks of rule pages (``*.md``), from files and folders.

``read_cases`` keeps going past a malformed case and hands back a ``CaseError`` in its place
(``identity-model check`` reports it and checks the others); ``load_cases`` is the strict form
the suite uses for its own corpus: the first malformed case is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from identity_model.conformance import Case, CaseFormatError, case_from_json
from identity_model.io.limits import JsonRefused, loads_line

CASE_BLOCK = re.compile(r"^```case\n(.*?)^```", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseError:
    """A case that could not be read: where it is and why."""

    origin: str
    message: str


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


def _case(text: str, where: str) -> Case | CaseError:
    try:
        return case_from_json(_json(text, where), where)
    except CaseFormatError as error:
        return CaseError(origin=where, message=str(error))


def read_markdown(text: str, origin: str) -> Iterator[Case | CaseError]:
    """Every ```` ```case ```` block of a rule page, in order."""
    for match in CASE_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        yield _case(match.group(1), f"{origin}:{line}")


def read_cases(paths: Iterable[Path]) -> list[Case | CaseError]:
    """Cases from files and folders, a ``CaseError`` in place of each malformed one."""
    found: list[Case | CaseError] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                read_cases(sorted(p for p in path.rglob("*") if p.suffix in (".json", ".md")))
            )
            continue
        try:
            text = _text(path)
        except CaseFormatError as error:
            found.append(CaseError(origin=str(path), message=str(error)))
            continue
        if path.suffix == ".md":
            found.extend(read_markdown(text, str(path)))
        else:
            found.append(_case(text, str(path)))
    return found


def _strict(items: Iterable[Case | CaseError]) -> Iterator[Case]:
    for item in items:
        if isinstance(item, CaseError):
            raise CaseFormatError(item.message)
        yield item


def cases_in_markdown(text: str, origin: str) -> Iterator[Case]:
    """Every ```` ```case ```` block of a rule page; a malformed one is an error."""
    return _strict(read_markdown(text, origin))


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Cases from files and folders: ``*.json`` case files and ``*.md`` rule pages; the first
    malformed case raises ``CaseFormatError``."""
    return list(_strict(read_cases(paths)))
