"""MkDocs hook: render the rule pages' executable blocks for readers.

The ```` ```case ````, ```` ```price ```` and ```` ```eligibility ```` blocks stay the single
source (the test suite runs the very same text); at build time each becomes a readable section:
the script as JSON Lines and the expected outcome as tables. Rule headings get their id as the
anchor (``rules/server.md#sv-14``), which ``identity-model explain`` prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_BLOCK = re.compile(r"^```(case|price|eligibility)\n(.*?)^```\n", re.DOTALL | re.MULTILINE)
_RULE_HEADING = re.compile(r"^## ([A-Z]+-[0-9A-Z]+) (.+)$", re.MULTILINE)


def _cell(value: Any) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|")  # a table cell; the code span escapes the rest
    return f"``{text}``" if text.strip() else f"`{json.dumps(text)}`"


def _table(rows: list[dict[str, Any]], first: str) -> str:
    if not rows:
        return "*(none)*\n"
    keys: list[str] = []
    for row in rows:
        keys.extend(key for key in row if key not in keys)
    lines = [
        "| " + " | ".join([first, *keys]) + " |",
        "|" + "---|" * (len(keys) + 1),
    ]
    for index, row in enumerate(rows):
        cells = [str(index)] + [_cell(row[key]) if key in row else "—" for key in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _expectation(expect: dict[str, Any]) -> str:
    parts: list[str] = []
    for key, value in expect.items():
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            label = {"steps": "step", "events": "#", "persons": "#"}.get(key, "#")
            parts.append(f"**{key}**\n\n{_table(value, label)}")
        else:
            parts.append(f"**{key}**: `{json.dumps(value, ensure_ascii=False)}`\n")
    return "\n".join(parts)


_RULE_PAGES: dict[str, str] = {}  # rule id -> page file name in docs/rules, set by on_config


def _rule_link(rule: str, page: str) -> str:
    home = _RULE_PAGES.get(rule)
    if home is None:
        return f"`{rule}`"
    return f"[{rule}]({'' if home == page else home}#{rule.lower()})"


def _render(kind: str, data: dict[str, Any], page: str) -> str:
    rules = ", ".join(_rule_link(rule, page) for rule in data.get("rules", []))
    head = f'??? example "{kind} `{data["id"]}`: {data.get("description", "")}"\n'
    body: list[str] = [f"Rules: {rules}\n"] if rules else []
    if kind == "case":
        script = "\n".join(json.dumps(line, ensure_ascii=False) for line in data["script"])
        body.append(f"Script:\n\n```json\n{script}\n```\n")
        body.append("Expected (every key shown must match; others are not checked):\n")
        body.append(_expectation(data["expect"]))
    else:
        given = {key: value for key, value in data.items() if key not in ("id", "description")}
        body.append(f"```json\n{json.dumps(given, indent=2, ensure_ascii=False)}\n```\n")
    indented = "\n".join(f"    {line}" if line else "" for line in "\n".join(body).splitlines())
    return f"{head}\n{indented}\n\n"


def _anchor(match: re.Match[str]) -> str:
    return f"## {match.group(1)} {match.group(2)} {{#{match.group(1).lower()}}}"


def render_rule_page(markdown: str, page: str) -> str:
    """The page with anchored rule headings and rendered example blocks."""
    markdown = _RULE_HEADING.sub(_anchor, markdown)

    def block(match: re.Match[str]) -> str:
        data = json.loads(match.group(2))
        return _render(match.group(1), data, page)

    return _BLOCK.sub(block, markdown)


def on_config(config: Any) -> Any:
    _RULE_PAGES.clear()
    for path in sorted((Path(config["docs_dir"]) / "rules").glob("*.md")):
        for match in _RULE_HEADING.finditer(path.read_text(encoding="utf-8")):
            _RULE_PAGES[match.group(1)] = path.name
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri.startswith("rules/"):
        return render_rule_page(markdown, page.file.src_uri.removeprefix("rules/"))
    return markdown
