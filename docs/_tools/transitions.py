"""Generate docs/transitions.md from the model's own behaviour, so the page cannot drift.

Every row of the page is a replay through the model's conformance adapter (the JSON contract):
the SDK device state machine is explored call by call from a fresh device under each
``person_profiles`` mode, and the ingestion merge decision is replayed for every situation the
merge rules distinguish. ``python docs/_tools/transitions.py > docs/transitions.md`` rewrites
the page; a test fails when the committed page differs from what this prints.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from identity_model import ScriptOp, ScriptReader, UserState, replay
from identity_model.conformance import run

Script = list[dict[str, Any]]
MODES = ("identified_only", "always", "never")
DEVICE = "d"


def _user_state(script: Script) -> UserState:
    """The device's ``$user_state`` after ``script`` (anonymous before its first call)."""
    reader = ScriptReader()
    items = reader.read_objects(script)
    world = replay(item.op for item in items if isinstance(item, ScriptOp))
    device = world.state.device(DEVICE)
    return UserState.ANONYMOUS if device is None else device.user_state


def _probe(prefix: Script) -> tuple[bool, bool, str]:
    """(identified, person processing on, current distinct id) of the device after ``prefix``:
    its user state, and whether a capture sent next would be person-processed."""
    report = run([*prefix, {"op": "capture", "event": "probe", "device": DEVICE}])
    last = report["events"][-1]
    identified = _user_state(prefix) is UserState.IDENTIFIED
    return identified, last["billed_as"] == "identified", str(last["distinct_id"])


def _state_name(identified: bool, processing: bool) -> str:
    return ("identified" if identified else "anonymous") + (
        ", processing on" if processing else ", processing off"
    )


Call = tuple[str, Callable[[str, int], dict[str, Any]]]
CALLS: tuple[Call, ...] = (
    ("capture", lambda current, n: {"op": "capture", "event": "clicked"}),
    ("identify(new id)", lambda current, n: {"op": "identify", "distinct_id": f"user-{n}"}),
    ("identify(current id)", lambda current, n: {"op": "identify", "distinct_id": current}),
    ("alias(new id)", lambda current, n: {"op": "alias", "alias": f"alias-{n}"}),
    ("group", lambda current, n: {"op": "group", "group_type": "company", "group_key": "acme"}),
    ("set_person_properties", lambda current, n: {"op": "set_person_properties", "set": {"n": n}}),
    ("create_person_profile", lambda current, n: {"op": "create_person_profile"}),
    ("reset", lambda current, n: {"op": "reset"}),
)


def device_machine(mode: str) -> list[tuple[str, str, str, str, str]]:
    """(from, call, outcome, event sent and its billing, to) for every reachable state."""
    config = {"config": {"person_profiles": mode}}
    start: Script = [config]
    first = _probe(start)
    queue: list[tuple[tuple[bool, bool], Script]] = [((first[0], first[1]), start)]
    seen = {queue[0][0]}
    rows: list[tuple[str, str, str, str, str]] = []
    counter = 0
    while queue:
        state, prefix = queue.pop(0)
        current = _probe(prefix)[2]
        for label, make in CALLS:
            counter += 1
            call = {**make(current, counter), "device": DEVICE}
            script = [*prefix, call]
            report = run(script)
            step = report["steps"][-1]
            last = len(report["steps"]) - 1
            sent = [event for event in report["events"] if event["step"] == last]
            outcome = step["outcome"] + (f" ({', '.join(step['codes'])})" if step["codes"] else "")
            event = f"`{sent[0]['event']}` {sent[0]['billed_as']}" if sent else "nothing"
            identified, processing, _ = _probe(script)
            target = (identified, processing)
            if target not in seen:
                seen.add(target)
                queue.append((target, script))
            rows.append((_state_name(*state), label, outcome, event, _state_name(*target)))
    return rows


# --- the ingestion merge decision -------------------------------------------------------------

ILLEGAL = "anonymous"
SITUATIONS: tuple[tuple[str, Script], ...] = (
    ("neither id has a person", []),
    ("only the target has a person", [{"op": "ingest", "distinct_id": "t", "event": "e"}]),
    ("only the source has a person", [{"op": "ingest", "distinct_id": "s", "event": "e"}]),
    (
        "both ids on one person",
        [
            {
                "op": "ingest",
                "distinct_id": "t",
                "event": "$identify",
                "properties": {"$anon_distinct_id": "s"},
            },
        ],
    ),
    (
        "two persons, source not identified",
        [
            {"op": "ingest", "distinct_id": "t", "event": "e"},
            {"op": "ingest", "distinct_id": "s", "event": "e"},
        ],
    ),
    (
        "two persons, source identified",
        [
            {"op": "ingest", "distinct_id": "t", "event": "e"},
            {
                "op": "ingest",
                "distinct_id": "s",
                "event": "$identify",
                "properties": {"$anon_distinct_id": "s-anon"},
            },
        ],
    ),
    ("the source id is illegal", []),
)
MERGE_EVENTS = ("$identify", "$create_alias", "$merge_dangerously")


def _merge_event(event: str, source: str) -> dict[str, Any]:
    key = "$anon_distinct_id" if event == "$identify" else "alias"
    return {"op": "ingest", "distinct_id": "t", "event": event, "properties": {key: source}}


def merge_decision() -> list[tuple[str, str, str, str, str]]:
    """(situation, event, outcome, persons after, is the target's person identified)."""
    rows = []
    for situation, setup in SITUATIONS:
        source = ILLEGAL if "illegal" in situation else "s"
        for event in MERGE_EVENTS:
            report = run([*setup, _merge_event(event, source)])
            step = report["steps"][-1]
            outcome = step["outcome"] + (f" ({', '.join(step['codes'])})" if step["codes"] else "")
            owner = {i: p for p in report["persons"] for i in p["distinct_ids"]}
            target, other = owner.get("t"), owner.get(source)
            if target is not None and target is other:
                persons = f"one person: {', '.join(target['distinct_ids'])}"
            else:
                persons = "; ".join(
                    f"{name} → {'no person' if p is None else ', '.join(p['distinct_ids'])}"
                    for name, p in (("t", target), (source, other))
                )
            identified = "—" if target is None else ("yes" if target["is_identified"] else "no")
            rows.append((situation, f"`{event}`", outcome, persons, identified))
    return rows


# --- the page ---------------------------------------------------------------------------------


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _mermaid(rows: list[tuple[str, str, str, str, str]]) -> str:
    names: dict[str, str] = {}
    lines = ["```mermaid", "stateDiagram-v2"]
    for state in dict.fromkeys([row[0] for row in rows] + [row[4] for row in rows]):
        names[state] = f"S{len(names)}"
        lines.append(f'    state "{state}" as {names[state]}')
    lines.append(f"    [*] --> {names[rows[0][0]]}")
    edges: dict[tuple[str, str], list[str]] = {}
    for source, call, outcome, _, target in rows:
        if source != target and not outcome.startswith(("rejected", "ignored")):
            edges.setdefault((names[source], names[target]), []).append(call)
    for (source, target), calls in edges.items():
        lines.append(f"    {source} --> {target}: {', '.join(calls)}")
    lines.append("```")
    return "\n".join(lines)


def page() -> str:
    parts = [
        "# State machines",
        "",
        "<!-- Generated by docs/_tools/transitions.py from the model's own behaviour: do not edit."
        " A test fails when this page and the model disagree. -->",
        "",
        "Two decisions carry most of the rules: what an SDK on one device does for each call",
        "(the [SDK layer](rules/client.md)), and what ingestion does when an event links two",
        "distinct ids (the [merge rules](rules/server.md#sv-08)). Both are shown here as the",
        "model behaves: every row is a replay of a short script, not a hand-written table.",
        "",
        "## The SDK device (posthog-js, browser)",
        "",
        "A device is *anonymous* or *identified*, and its person processing is *on* (its next",
        "event is person-processed and billed identified) or *off* (personless, billed",
        "anonymous). The `person_profiles` mode decides which of these states a device can",
        "reach ([CL-02](rules/client.md#cl-02), [CL-03](rules/client.md#cl-03)).",
    ]
    for mode in MODES:
        rows = device_machine(mode)
        parts += [
            "",
            f"### `person_profiles: {mode}`",
            "",
            _mermaid(rows),
            "",
            _table(("from", "call", "outcome", "sends", "to"), rows),
        ]
    parts += [
        "",
        "## The ingestion merge decision",
        "",
        "An event with a distinct id (the *target*, `t`) that names a second id (the *source*:",
        "`$anon_distinct_id` of `$identify`, `alias` of `$create_alias` and",
        "`$merge_dangerously`) may link the two ([SV-08](rules/server.md#sv-08) to",
        "[SV-16](rules/server.md#sv-16)). Persons exist only where an earlier event made them.",
        "",
        _table(
            ("situation", "event", "outcome", "persons after", "target identified"),
            merge_decision(),
        ),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(page())
