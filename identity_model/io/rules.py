"""The rule pages (``docs/rules/*.md``) as data: id, title, MUST sentence, source.

The pages are the single source of every rule's wording; ``--explain`` and the tests read
them from here. A wheel carries them as ``identity_model/_rules``; a source checkout reads
``docs/rules`` directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

_HEADING = re.compile(r"^## ([A-Z]+-[0-9A-Z]+) (.+)$", re.MULTILINE)
_MUST = re.compile(r"^\*\*MUST:\*\* (.+)$", re.MULTILINE)
_SOURCE = re.compile(r"^\*\*Source:\*\* (.+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    id: str
    title: str
    must: str
    source: str
    page: str


def rules_dir() -> Path | None:
    """Where the rule pages are: packaged, else the source checkout's ``docs/rules``."""
    package = Path(__file__).parents[1]
    for candidate in (package / "_rules", package.parent / "docs" / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def parse_rules(text: str, page: str) -> list[Rule]:
    """The rules of one page, in page order."""
    headings = list(_HEADING.finditer(text))
    found = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end() : end]
        must = _MUST.search(body)
        source = _SOURCE.search(body)
        found.append(
            Rule(
                id=heading.group(1),
                title=heading.group(2).strip(),
                must=must.group(1).strip() if must else "",
                source=source.group(1).strip() if source else "",
                page=page,
            )
        )
    return found


@cache
def rules() -> Mapping[str, Rule]:
    """Every documented rule by id (empty when the pages are not installed).

    A read-only view of the one cached table: no caller can change what ``explain`` and
    later callers see (issue #17)."""
    folder = rules_dir()
    found: dict[str, Rule] = {}
    if folder is not None:
        for page in sorted(folder.glob("*.md")):
            for rule in parse_rules(page.read_text(encoding="utf-8"), page.name):
                found[rule.id] = rule
    return MappingProxyType(found)
