"""The non-conformance examples of the rule pages: ```price and ```eligibility blocks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).parents[1] / "docs" / "rules"
BLOCK = re.compile(r"^```(price|eligibility)\n(.*?)^```", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Example:
    kind: str
    data: dict[str, Any]
    origin: str

    @property
    def id(self) -> str:
        return str(self.data["id"])


def examples(kind: str | None = None) -> list[Example]:
    found = []
    for page in sorted(RULES_DIR.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            if kind is None or match.group(1) == kind:
                line = text.count("\n", 0, match.start()) + 1
                found.append(
                    Example(match.group(1), json.loads(match.group(2)), f"{page.name}:{line}")
                )
    return found
