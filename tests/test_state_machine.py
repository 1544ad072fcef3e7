"""The model against the naive oracle, one operation at a time (issue #9: the state machine as
Hypothesis means it).

Each rule makes one script line and steps both sides once: the model through the public
``apply`` (never a replay of the prefix), the oracle through its incremental ``Session``.
Bundles hold devices, distinct ids and old worlds; invariants after every step compare the
reports, check the report laws and that no earlier event changed its billing; an old world
must still report exactly what it reported when it was taken, and replaying the operations
since then from it must give today's world.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from identity_model import (
    BadLine,
    Operation,
    ScriptOp,
    ScriptReader,
    Status,
    StepRecord,
    World,
    apply,
    build_report,
    empty_world,
    replay,
)
from identity_model.operations import op_name
from identity_model_spec import oracle
from identity_model_spec.invariants import billing_changes, report_violations
from identity_model_spec.strategies import (
    BAD_LINES,
    CIO_STEPS,
    CLIENT_IDS,
    CONFIGS,
    ILLEGAL_IDS,
    MAYBE_OBJECTS,
    MERGE_NON_STRINGS,
    NOT_BILLED,
    OBJECTS,
    TRIM_CHARACTERS,
    UNSET,
    timestamp_at,
)

STEPS = settings(stateful_step_count=40)


def dumped(report: dict[str, Any]) -> str:
    return json.dumps(report, sort_keys=True)


class Stepper(RuleBasedStateMachine):
    """What both machines share: feeding one line to the model and to the oracle."""

    worlds = Bundle("worlds")

    def __init__(self) -> None:
        super().__init__()
        self.reader = ScriptReader()
        self.oracle = oracle.Session()
        self.script: list[dict[str, Any]] = []
        self.world: World | None = None
        self.records: list[StepRecord] = []
        self.ops: list[Operation] = []
        self.report: dict[str, Any] = {"events": []}

    def feed(self, line: dict[str, Any]) -> None:
        self.script.append(line)
        self.oracle.step(line)
        item = self.reader.read_object(len(self.script), line)
        if item is None:  # the config line
            return
        world = self.current()
        match item:
            case BadLine():
                self.records.append(
                    StepRecord(
                        line=item.line, op=item.op, status=Status.REJECTED, codes=(item.code,)
                    )
                )
            case ScriptOp():
                outcome = apply(world, item.op)
                if outcome.status is not Status.APPLIED and not outcome.bookkeeping:
                    assert outcome.world is world, "a rejected or ignored op changed the world"
                self.records.append(
                    StepRecord(
                        line=item.line,
                        op=op_name(item.op),
                        status=outcome.status,
                        codes=outcome.codes,
                        event=outcome.event,
                        rules=outcome.rules,
                    )
                )
                self.ops.append(item.op)
                self.world = outcome.world

    def current(self) -> World:
        if self.world is None:
            self.world = empty_world(self.reader.config)
        return self.world

    @rule(line=BAD_LINES)
    def bad_line(self, line: dict[str, Any]) -> None:
        self.feed(line)

    @rule(target=worlds)
    def keep_world(self) -> tuple[World, tuple[StepRecord, ...], int, str]:
        world = self.current()
        return world, tuple(self.records), len(self.ops), dumped(build_report(self.records, world))

    @rule(old=worlds)
    def old_world_is_unchanged(self, old: tuple[World, tuple[StepRecord, ...], int, str]) -> None:
        world, records, done, report = old
        assert dumped(build_report(records, world)) == report
        assert replay(self.ops[done:], world) == self.current()

    @invariant()
    def matches_the_oracle(self) -> None:
        report = build_report(self.records, self.current())
        assert report == self.oracle.report()
        violations = report_violations(self.script, report)
        assert not violations, violations
        changes = billing_changes(self.report, report)
        assert not changes, changes
        self.report = report


FRESH = st.integers(0, 10**6).map(lambda n: f"id-{n}")


class PosthogMachine(Stepper):
    """SDK calls on devices and server events on distinct ids, under one config."""

    devices = Bundle("devices")
    ids = Bundle("ids")

    @initialize(config=CONFIGS, target=devices)
    def configure(self, config: dict[str, Any] | None) -> Any:
        if config is not None:
            self.feed(config)
        return multiple("default", "phone")

    @initialize(target=ids)
    def first_ids(self) -> Any:
        return multiple("anon-1", "user-1", "user-2")

    # ---- ids

    @rule(target=ids, distinct_id=FRESH)
    def new_id(self, distinct_id: str) -> str:
        return distinct_id

    @rule(
        target=ids, distinct_id=st.sampled_from(ILLEGAL_IDS) | st.text(TRIM_CHARACTERS, max_size=2)
    )
    def illegal_id(self, distinct_id: str) -> str:
        return distinct_id

    # ---- server events

    def ingest(
        self, distinct_id: Any, event: str, properties: dict[str, Any], delay: int | None
    ) -> None:
        line: dict[str, Any] = {"op": "ingest", "event": event, "distinct_id": distinct_id}
        if properties:
            line["properties"] = properties
        if delay is not None:
            line["timestamp"] = timestamp_at(delay)
        self.feed(line)

    @rule(
        distinct_id=ids,
        event=st.sampled_from(["$pageview", "clicked", "$set", *NOT_BILLED[:3]]),
        personless=st.sampled_from(["absent", False, True, "false"]),
        set_=MAYBE_OBJECTS,
        unset=st.none() | UNSET,
        delay=st.none() | st.integers(0, 3 * 86400),
    )
    def server_event(
        self,
        distinct_id: str,
        event: str,
        personless: Any,
        set_: Any,
        unset: Any,
        delay: int | None,
    ) -> None:
        properties: dict[str, Any] = {}
        if personless != "absent":
            properties["$process_person_profile"] = personless
        if set_ is not None:
            properties["$set"] = set_
        if unset is not None:
            properties["$unset"] = unset
        self.ingest(distinct_id, event, properties, delay)

    @rule(
        into=ids,
        source=ids,
        event=st.sampled_from(["$identify", "$create_alias", "$merge_dangerously"]),
        set_=MAYBE_OBJECTS,
        set_once=MAYBE_OBJECTS,
        personless=st.sampled_from(["absent", "absent", "absent", False]),
    )
    def merge(
        self, into: str, source: str, event: str, set_: Any, set_once: Any, personless: Any
    ) -> None:
        properties: dict[str, Any] = {
            "$anon_distinct_id" if event == "$identify" else "alias": source
        }
        if set_ is not None:
            properties["$set"] = set_
        if set_once is not None:
            properties["$set_once"] = set_once
        if personless != "absent":
            properties["$process_person_profile"] = personless
        self.ingest(into, event, properties, None)

    @rule(distinct_id=ids, source=MERGE_NON_STRINGS)
    def merge_odd_source(self, distinct_id: str, source: Any) -> None:
        self.ingest(distinct_id, "$create_alias", {"alias": source}, None)

    @rule(distinct_id=ids, key=st.sampled_from(["acme", "globex", 7]), group_set=MAYBE_OBJECTS)
    def group_identify(self, distinct_id: str, key: Any, group_set: Any) -> None:
        properties: dict[str, Any] = {"$group_type": "company", "$group_key": key}
        if group_set is not None:
            properties["$group_set"] = group_set
        self.ingest(distinct_id, "$groupidentify", properties, None)

    # ---- SDK calls

    def call(self, device: str, op: str, **fields: Any) -> None:
        line = {"op": op, **{key: value for key, value in fields.items() if value is not None}}
        if device != "default":
            line["device"] = device
        self.feed(line)

    @rule(
        device=devices,
        event=st.sampled_from(["$pageview", "clicked", "$feature_flag_called"]),
        url=st.none() | st.sampled_from(["https://a.example/?utm_source=x", "not a url"]),
        set_=MAYBE_OBJECTS,
    )
    def capture(self, device: str, event: str, url: str | None, set_: Any) -> None:
        properties: dict[str, Any] = {}
        if url is not None:
            properties["$current_url"] = url
        if set_ is not None:
            properties["$set"] = set_
        self.call(device, "capture", event=event, properties=properties or None)

    @rule(device=devices, distinct_id=ids, set_=MAYBE_OBJECTS, set_once=MAYBE_OBJECTS)
    def identify(self, device: str, distinct_id: str, set_: Any, set_once: Any) -> None:
        self.call(device, "identify", distinct_id=distinct_id, set=set_, set_once=set_once)

    @rule(device=devices, distinct_id=CLIENT_IDS)
    def identify_odd_id(self, device: str, distinct_id: Any) -> None:
        self.call(device, "identify", distinct_id=distinct_id)

    @rule(device=devices, alias=ids)
    def alias(self, device: str, alias: str) -> None:
        self.call(device, "alias", alias=alias)

    @rule(device=devices, reset_device_id=st.none() | st.booleans())
    def reset(self, device: str, reset_device_id: bool | None) -> None:
        self.call(device, "reset", reset_device_id=reset_device_id)

    @rule(device=devices, key=st.sampled_from(["acme", "globex", 7]), properties=MAYBE_OBJECTS)
    def group(self, device: str, key: Any, properties: Any) -> None:
        self.call(device, "group", group_type="company", group_key=key, properties=properties)

    @rule(device=devices, set_=MAYBE_OBJECTS, set_once=MAYBE_OBJECTS)
    def set_person_properties(self, device: str, set_: Any, set_once: Any) -> None:
        self.call(device, "set_person_properties", set=set_, set_once=set_once)

    @rule(device=devices)
    def create_person_profile(self, device: str) -> None:
        self.call(device, "create_person_profile")


DAY = 86400


class CustomerioMachine(Stepper):
    """Tracks, identifies and advances on a clock that moves both ways past every boundary."""

    anonymous_ids = Bundle("anonymous_ids")
    users = Bundle("users")

    @initialize(target=anonymous_ids)
    def configure(self) -> Any:
        self.feed({"config": {"vendor": "customerio"}})
        self.clock = 60 * DAY
        return multiple("anon-a", "anon-b")

    @initialize(target=users)
    def first_users(self) -> Any:
        return multiple("u1", "u2")

    @rule(target=anonymous_ids, n=st.integers(0, 10**6))
    def new_anonymous_id(self, n: int) -> str:
        return f"anon-{n}"

    @rule(target=users, n=st.integers(0, 10**6))
    def new_user(self, n: int) -> str:
        return f"user-{n}"

    def at(self, move: int) -> str:
        self.clock = max(0, self.clock + move)
        return timestamp_at(self.clock)

    @rule(anonymous_id=anonymous_ids, move=CIO_STEPS, properties=st.none() | OBJECTS)
    def track_anonymous(self, anonymous_id: str, move: int, properties: Any) -> None:
        line = {
            "op": "track",
            "event": "e",
            "anonymous_id": anonymous_id,
            "timestamp": self.at(move),
        }
        if properties is not None:
            line["properties"] = properties
        self.feed(line)

    @rule(user=users, move=CIO_STEPS)
    def track_user(self, user: str, move: int) -> None:
        self.feed({"op": "track", "event": "e", "user_id": user, "timestamp": self.at(move)})

    @rule(
        user=users, anonymous_id=st.none() | anonymous_ids, move=CIO_STEPS, attributes=MAYBE_OBJECTS
    )
    def identify(self, user: str, anonymous_id: str | None, move: int, attributes: Any) -> None:
        line: dict[str, Any] = {"op": "identify", "user_id": user, "timestamp": self.at(move)}
        if anonymous_id is not None:
            line["anonymous_id"] = anonymous_id
        if attributes is not None:
            line["attributes"] = attributes
        self.feed(line)

    @rule(move=CIO_STEPS)
    def advance(self, move: int) -> None:
        self.feed({"op": "advance", "timestamp": self.at(move)})


def test_posthog_machine() -> None:
    run_state_machine_as_test(PosthogMachine, settings=STEPS)


def test_customerio_machine() -> None:
    run_state_machine_as_test(CustomerioMachine, settings=STEPS)
