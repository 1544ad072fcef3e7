"""The adapter protocol: the one function an implementation under test provides.

``run(script)`` takes a script as a list of JSON objects (the conformance format §1, config
object first if any; line n of the script is ``script[n-1]``) and returns the report (§2) as
JSON-compatible Python data. It must not raise for bad lines: they are rejected steps.

The loader lives in the library (``identity_model.conformance``: ``identity-model check``
uses it too); this module names it for the suite.
"""

from __future__ import annotations

from identity_model.conformance import (
    DEFAULT_IMPL,
    Adapter,
    AdapterLoadError,
    Report,
    Script,
    load_adapter,
)

__all__ = ["DEFAULT_IMPL", "Adapter", "AdapterLoadError", "Report", "Script", "load_adapter"]
