"""The documentation site cannot go stale: it builds strictly, its generated page matches the
model, every code and every digest rule has its entry, and its Python snippets run."""

from __future__ import annotations

import importlib.util
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from identity_model import Code
from identity_model.io.rules import rules

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
# The rule digest: beside a checkout (and in CI), or where IDENTITY_MODEL_DIGEST says.
DIGEST = Path(os.environ.get("IDENTITY_MODEL_DIGEST", ROOT.parent / "shared" / "spec"))
DIGEST_RULE = re.compile(r"^- \*\*([A-Z]+-[0-9A-Z]+)", re.MULTILINE)
# Rules beyond the digest: upstream behaviour PostHog's own code and tests pin (issue #11).
BEYOND_DIGEST = frozenset({"SV-34", "CL-C2", "CL-C3", "CL-C4", "CL-C5"})


def _digest_ids() -> list[str]:
    if not DIGEST.is_dir():
        return []
    found: list[str] = []
    for path in sorted(DIGEST.glob("rules-*.md")):
        found += [rule for rule in DIGEST_RULE.findall(path.read_text(encoding="utf-8"))]
    return [rule for rule in dict.fromkeys(found) if not rule.startswith("D-")]


DIGEST_IDS = _digest_ids()
needs_digest = pytest.mark.skipif(not DIGEST_IDS, reason=f"no rule digest at {DIGEST}")


@needs_digest
@pytest.mark.parametrize("rule_id", DIGEST_IDS)
def test_every_digest_rule_has_a_page_entry(rule_id: str) -> None:
    assert rule_id in rules(), f"{rule_id} (rule digest) has no heading in docs/rules"


@needs_digest
@pytest.mark.parametrize("rule_id", sorted(rules()))
def test_every_page_entry_names_a_digest_rule(rule_id: str) -> None:
    if rule_id in BEYOND_DIGEST:
        assert rule_id not in DIGEST_IDS, f"{rule_id} is in the digest now: drop it from the list"
        return
    assert rule_id in DIGEST_IDS, f"docs/rules names {rule_id}, which the digest does not have"


def test_transitions_page_is_what_the_model_does() -> None:
    """Regenerate with `python docs/_tools/transitions.py > docs/transitions.md`."""
    generator = runpy.run_path(str(DOCS / "_tools" / "transitions.py"))
    assert (DOCS / "transitions.md").read_text(encoding="utf-8") == generator["page"]()


ERRORS_PAGE = (DOCS / "errors.md").read_text(encoding="utf-8")
DOCUMENTED_CODES = re.findall(r"^## `([a-z_]+)`$", ERRORS_PAGE, re.MULTILINE)


@pytest.mark.parametrize("code", [code.value for code in Code])
def test_every_code_has_an_entry_in_errors_md(code: str) -> None:
    assert code in DOCUMENTED_CODES, f"docs/errors.md has no '## `{code}`' entry"


def test_errors_md_documents_only_real_codes() -> None:
    assert set(DOCUMENTED_CODES) <= {code.value for code in Code}


def _python_blocks() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    blocks = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
            line = text.count("\n", 0, match.start()) + 2
            blocks.append((f"{page.relative_to(ROOT)}:{line}", match.group(1)))
    return blocks


@pytest.mark.parametrize(("where", "code"), _python_blocks(), ids=lambda value: str(value)[:40])
def test_python_snippets_run(where: str, code: str) -> None:
    exec(compile(code, where, "exec"), {"__name__": "snippet"})


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="pip install '.[docs]'")
def test_site_builds_strictly(tmp_path: Path) -> None:
    """`mkdocs build --strict`: broken links and anchors, pages missing from the nav fail."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # Every rule is an anchor on its page: the address `identity-model explain` prints.
    for rule in rules().values():
        built = tmp_path / "rules" / rule.page.removesuffix(".md") / "index.html"
        assert f'id="{rule.id.lower()}"' in built.read_text(encoding="utf-8"), rule.id
