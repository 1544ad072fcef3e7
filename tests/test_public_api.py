"""The flat public API: every exported name resolves, and the package ships its type marker."""

from __future__ import annotations

from importlib import resources

import identity_model


def test_every_exported_name_exists() -> None:
    missing = [name for name in identity_model.__all__ if not hasattr(identity_model, name)]
    assert missing == []
    assert len(set(identity_model.__all__)) == len(identity_model.__all__)


def test_package_is_typed_and_ships_its_data() -> None:
    package = resources.files("identity_model")
    assert (package / "py.typed").is_file()
    assert (package / "billing" / "price_books" / "posthog-product-analytics-2026.json").is_file()
    assert (package / "examples" / "first-visit.jsonl").is_file()
