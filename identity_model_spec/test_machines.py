"""Random scripts: the implementation under test against the naive oracle, and the laws.

``ScriptMachine`` grows one script line by line (Hypothesis stateful testing): after every
line the implementation's report must equal the oracle's, obey the report laws, and keep the
billing of every earlier event (PR-01, SV-31). The adapter protocol runs whole scripts, so
this machine re-runs the prefix at each step; the library's own machine
(``tests/test_state_machine.py``) steps the model and the oracle once per rule.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from identity_model_spec import oracle
from identity_model_spec.invariants import billing_changes, report_violations
from identity_model_spec.protocol import Adapter
from identity_model_spec.strategies import (
    BAD_LINES,
    CONFIGS,
    client_ops,
    customerio_scripts,
    ingest_ops,
    mixed_scripts,
    python_scripts,
    server_scripts,
)


def check_against_oracle(impl: Adapter, script: list[dict[str, Any]]) -> dict[str, Any]:
    report = impl(script)
    expected = oracle.run(script)
    assert report == expected, _first_difference(expected, report)
    violations = report_violations(script, report)
    assert not violations, violations
    return report


def _first_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    for key in ("steps", "events", "persons", "usage"):
        want, got = expected.get(key), actual.get(key)
        if want != got:
            if isinstance(want, list) and isinstance(got, list):
                for index, (a, b) in enumerate(zip(want, got, strict=False)):
                    if a != b:
                        return f"{key}[{index}]: oracle {a!r} != implementation {b!r}"
                return f"{key}: oracle has {len(want)} entries, implementation {len(got)}"
            return f"{key}: oracle {want!r} != implementation {got!r}"
    return "reports differ outside steps/events/persons/usage"


def test_server_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(server_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        check_against_oracle(identity_impl, script)

    check()


def test_mixed_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(mixed_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        check_against_oracle(identity_impl, script)

    check()


def test_python_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(python_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        check_against_oracle(identity_impl, script)

    check()


def test_customerio_scripts_match_oracle(identity_impl: Adapter) -> None:
    @given(customerio_scripts())
    def check(script: list[dict[str, Any]]) -> None:
        check_against_oracle(identity_impl, script)

    check()


def make_machine(impl: Adapter) -> type[RuleBasedStateMachine]:
    class ScriptMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.script: list[dict[str, Any]] = []
            self.report: dict[str, Any] = impl([])

        @initialize(config=CONFIGS)
        def configure(self, config: dict[str, Any] | None) -> None:
            if config is not None:
                self._grow(config)

        def _grow(self, op: dict[str, Any]) -> None:
            self.script.append(op)
            report = check_against_oracle(impl, self.script)
            changes = billing_changes(self.report, report)
            assert not changes, changes
            self.report = report

        @rule(op=ingest_ops())
        def ingest(self, op: dict[str, Any]) -> None:
            self._grow(op)

        @rule(op=client_ops())
        def client_call(self, op: dict[str, Any]) -> None:
            self._grow(op)

        @rule(op=BAD_LINES)
        def bad_line(self, op: dict[str, Any]) -> None:
            self._grow(op)

        @invariant()
        def usage_counts_billed_events(self) -> None:
            usage = self.report["usage"]
            assert usage["anonymous_events"] + usage["identified_events"] == sum(
                1 for event in self.report["events"] if event["billed_as"] is not None
            )

    return ScriptMachine


def test_script_machine(identity_impl: Adapter) -> None:
    # The loaded profile's settings, with runs long enough to merge and re-attribute.
    run_state_machine_as_test(
        make_machine(identity_impl), settings=settings(stateful_step_count=30)
    )
