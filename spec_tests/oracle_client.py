"""The oracle's SDK layer (filled in with the client rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class Devices:
    def __init__(self, world: Any) -> None:
        self.world = world

    def apply(self, step: int, obj: dict[str, Any], when: datetime) -> tuple[str, list[str]]:
        return "rejected", ["invalid_operation"]
