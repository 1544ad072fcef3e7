"""``identity-model explain``: rules by id, from the rule pages."""

from __future__ import annotations

import argparse
from typing import TextIO

from identity_model.cli.runner import EXIT_OK, UsageError
from identity_model.io.rules import rules


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    documented = rules()
    wanted = [rule.upper() for rule in args.rules] or sorted(documented)
    missing = [rule for rule in wanted if rule not in documented]
    if missing:
        raise UsageError(f"no such rule: {', '.join(missing)} (try: identity-model explain)")
    for rule_id in wanted:
        rule = documented[rule_id]
        out.write(
            f"{rule.id}  {rule.title}\n  MUST: {rule.must}\n  source: {rule.source}\n"
            f"  page: docs/rules/{rule.page}#{rule.id.lower()}"
            f" (on the site: rules/{rule.page.removesuffix('.md')}/#{rule.id.lower()})\n\n"
        )
    return EXIT_OK
