"""Every case of the corpus (``identity_model_spec/cases``) against the implementation under
test."""

from __future__ import annotations

import pytest

from identity_model_spec.cases import Case, corpus, differences
from identity_model_spec.protocol import Adapter

CASES = corpus()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case, identity_impl: Adapter) -> None:
    report = identity_impl(list(case.script))
    found = differences(case.expect, report)
    assert not found, f"{case.id} ({', '.join(case.rules)}): {case.description}\n" + "\n".join(
        found
    )


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 30
