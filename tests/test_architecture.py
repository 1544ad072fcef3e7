"""The house's rules (docs/architecture.md), checked on the import graph and the source.

- The core (everything outside ``vendors/`` and ``billing/``, and the flat ``__init__``)
  imports no vendor package: vendors register themselves and are found by name.
- Nothing in ``identity_model`` imports ``identity_model_spec``; the oracle never imports the model.
- Only ``io/`` and ``cli/`` read files.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "identity_model"
NOT_CORE = ("vendors", "billing")  # and the flat API, which re-exports everything
FILE_READERS = ("io", "cli")
READING_CALLS = {"open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "files"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (``from x import y`` counts as x and x.y)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_core(path: Path) -> bool:
    inside = path.relative_to(PACKAGE).parts
    return inside[0] not in NOT_CORE and path != PACKAGE / "__init__.py"


CORE = [path for path in modules() if is_core(path)]


def test_the_core_is_what_the_architecture_says() -> None:
    names = {module_name(path) for path in CORE}
    for expected in ("world", "reducers", "outcome", "operations", "vendor", "io.script", "cli"):
        assert f"identity_model.{expected}" in names


@pytest.mark.parametrize("path", CORE, ids=module_name)
def test_the_core_imports_no_vendor(path: Path) -> None:
    vendor_imports = sorted(
        name for name in imports_of(path) if name.startswith("identity_model.vendors")
    )
    assert vendor_imports == [], f"{module_name(path)} imports {vendor_imports}"


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_the_library_never_imports_the_suite(path: Path) -> None:
    assert not any(name.split(".")[0] == "identity_model_spec" for name in imports_of(path))


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "identity_model_spec").glob("oracle*.py"))
    + sorted((ROOT / "identity_model_spec" / "broken").glob("*.py")),
    ids=lambda path: path.name,
)
def test_the_oracle_never_imports_the_model(path: Path) -> None:
    assert not any(name.split(".")[0] == "identity_model" for name in imports_of(path))


@pytest.mark.parametrize(
    "path",
    [path for path in modules() if path.relative_to(PACKAGE).parts[0] not in FILE_READERS],
    ids=module_name,
)
def test_only_io_and_cli_read_files(path: Path) -> None:
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    }
    assert not calls & READING_CALLS, f"{module_name(path)} calls {sorted(calls & READING_CALLS)}"


def test_importing_the_core_loads_no_vendor() -> None:
    """The world and the reducers work without any vendor imported (until one is named)."""
    code = (
        "import sys; import identity_model.reducers, identity_model.io.report; "
        "print(sorted(m for m in sys.modules if m.startswith('identity_model.vendors')))"
    )
    # identity_model/__init__.py registers the built-in vendors; skip it to see the core alone.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, types; sys.modules['identity_model'] = "
            f"types.ModuleType('identity_model'); sys.modules['identity_model'].__path__ = "
            f"[{str(PACKAGE)!r}]; {code}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_each_built_in_vendor_name_is_its_profiles_name() -> None:
    """The built-in vendors are named before they are imported (``register_vendor_module``):
    each name must be the one its package registers."""
    import importlib  # noqa: PLC0415

    from identity_model.vendors import Vendor  # noqa: PLC0415

    for vendor in Vendor:
        package = importlib.import_module(f"identity_model.vendors.{vendor.value}")
        assert package.PROFILE.name == vendor.value
