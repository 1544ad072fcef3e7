"""The flat public API: every exported name resolves, and the package ships its type marker."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import identity_model

PACKAGE = Path(identity_model.__file__).parent


def test_every_exported_name_exists() -> None:
    missing = [name for name in identity_model.__all__ if not hasattr(identity_model, name)]
    assert missing == []
    assert len(set(identity_model.__all__)) == len(identity_model.__all__)


def test_package_is_typed_and_ships_its_data() -> None:
    package = resources.files("identity_model")
    assert (package / "py.typed").is_file()
    assert (package / "billing" / "price_books" / "posthog-product-analytics-2026.json").is_file()
    assert (package / "examples" / "first-visit.jsonl").is_file()


def _type_checking_imports() -> dict[str, tuple[str, str]]:
    """The names ``identity_model/__init__.py`` imports for the type checker, as the lazy
    table would give them: exported name -> (module, attribute)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    return {
        alias.asname or alias.name: (node.module, alias.name)
        for node in guarded.body
        if isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names
    }


def test_the_lazy_table_is_what_the_type_checker_sees() -> None:
    """Every lazily loaded name comes from the module mypy reads it from, and vice versa."""
    table = identity_model._LAZY
    assert table == _type_checking_imports()
    assert set(table) | {"Rule", "rules"} == set(identity_model.__all__)


def _modules_after(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split("'")[1::2]


def test_importing_the_package_loads_no_vendor_and_no_book() -> None:
    loaded = _modules_after("import identity_model")
    assert [name for name in loaded if name.startswith("identity_model.vendors.")] == []
    assert [name for name in loaded if name.startswith("identity_model.billing")] == []
    assert "identity_model.vendors" in loaded  # the built-in vendors are named, not loaded


def test_a_replay_under_one_vendor_loads_no_other(tmp_path: Path) -> None:
    script = tmp_path / "one.jsonl"
    script.write_text('{"op": "ingest", "distinct_id": "u1", "event": "e"}\n', encoding="utf-8")
    loaded = _modules_after(
        "import contextlib, io\nfrom identity_model.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['replay', {str(script)!r}, '--format', 'summary']) == 0"
    )
    vendors = {name.split(".")[2] for name in loaded if name.startswith("identity_model.vendors.")}
    assert vendors == {"posthog"}
    assert not any(name.startswith("identity_model.cli.compare") for name in loaded)


def test_a_lazy_name_is_the_module_attribute_itself() -> None:
    from identity_model.billing.mixpanel import price_month  # noqa: PLC0415
    from identity_model.vendors.posthog import EMPTY  # noqa: PLC0415

    assert identity_model.price_mixpanel_month is price_month
    assert identity_model.EMPTY is EMPTY
    assert identity_model.rules is rules_function()
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = identity_model.nothing_here  # type: ignore[attr-defined]


def rules_function() -> object:
    from identity_model.io.rules import rules  # noqa: PLC0415

    return rules
