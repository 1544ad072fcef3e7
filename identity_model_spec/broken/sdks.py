"""Broken server and mobile SDK rules, one adapter each:
``identity_model_spec.broken.sdks:<name>``."""

from __future__ import annotations

from typing import Any

from identity_model_spec import oracle
from identity_model_spec.oracle_client import Devices
from identity_model_spec.oracle_python import PythonClients


class ReusesGeneratedId(PythonClients):
    """Breaks PY-03: every personless Python call reuses the device's first generated id."""

    def generate(self, name: str, d: dict[str, Any]) -> str:
        return f"{name}-anon-0"


class CaptureIgnoresUserProperties(Devices):
    """Breaks MOB-01: a mobile capture with user properties or groups does not flip."""

    def call(self, d: dict[str, Any], obj: dict[str, Any]) -> Any:
        epp = d["epp"]
        result = super().call(d, obj)
        if obj["op"] == "capture":
            d["epp"] = epp
        return result


def reuses_generated_id(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, python_class=ReusesGeneratedId)


def capture_ignores_user_properties(script: list[dict[str, Any]]) -> dict[str, Any]:
    return oracle.run(script, devices_class=CaptureIgnoresUserProperties)
