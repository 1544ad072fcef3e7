"""The Python server SDK (``"client": "python"``, the PY rules): posthog-python's calls and
contexts on one device, decided without writes.

A Python device is one posthog-python client in one thread or task: a stack of contexts and a
counter of the ids it generated. ``decide_python`` returns the next device, the SDK's own step
and the event to send, if any; the caller sends the event through ingestion, and a call that
sends an event takes that event's outcome (format extension, issue #11).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias, assert_never

from identity_model.errors import Code
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object
from identity_model.outcome import Status, Step, ignored, rejected

DEFAULT_DEVICE = "default"
CONTEXT_RULE = "PY-06"  # contexts nest, inherit and are left again
TAG_RULE = "PY-08"  # tags go under each call's properties
Tags: TypeAlias = tuple[tuple[str, Json], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PyContext:
    """One ``with posthog.new_context(fresh=...)`` block: its own id and tags."""

    fresh: bool = False
    distinct_id: str | None = None
    tags: Tags = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PyDevice:
    """One posthog-python client: its open contexts (innermost last) and generated-id count."""

    name: str
    contexts: tuple[PyContext, ...] = ()
    generated: int = 0


# --- operations (format extension §F.2) ----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PyCapture:
    event: str
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class PySet:
    """``posthog.set`` (``once=False``) or ``posthog.set_once`` (``once=True``)."""

    once: bool
    timestamp: datetime
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class PyAlias:
    timestamp: datetime
    previous_id: str | int | float | None = None
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE


@dataclass(frozen=True, slots=True, kw_only=True)
class PyGroupIdentify:
    group_type: str
    group_key: str | int | float | None
    timestamp: datetime
    properties: JsonObject | None = None
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        if self.properties is not None:
            object.__setattr__(self, "properties", freeze_object(self.properties))


@dataclass(frozen=True, slots=True, kw_only=True)
class NewContext:
    timestamp: datetime
    fresh: bool = False
    device: str = DEFAULT_DEVICE


@dataclass(frozen=True, slots=True, kw_only=True)
class EndContext:
    timestamp: datetime
    device: str = DEFAULT_DEVICE


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifyContext:
    distinct_id: str | int | float
    timestamp: datetime
    device: str = DEFAULT_DEVICE


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    key: str
    timestamp: datetime
    value: Json = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", freeze(self.value))


PythonOperation: TypeAlias = (
    PyCapture | PySet | PyAlias | PyGroupIdentify | NewContext | EndContext | IdentifyContext | Tag
)
PYTHON_OPERATION_TYPES = (
    PyCapture,
    PySet,
    PyAlias,
    PyGroupIdentify,
    NewContext,
    EndContext,
    IdentifyContext,
    Tag,
)
PYTHON_OP_NAMES: dict[type[PythonOperation], str] = {
    PyCapture: "capture",
    PyAlias: "alias",
    PyGroupIdentify: "group_identify",
    NewContext: "new_context",
    EndContext: "end_context",
    IdentifyContext: "identify_context",
    Tag: "tag",
}


def python_op_name(op: PythonOperation) -> str:
    if isinstance(op, PySet):
        return "set_once" if op.once else "set"
    return PYTHON_OP_NAMES[type(op)]


# --- decisions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PySend:
    """The event a call sends: its distinct id, name and properties (as sent)."""

    distinct_id: str
    event: str
    properties: JsonObject


@dataclass(frozen=True, slots=True, kw_only=True)
class PyDecision:
    device: PyDevice
    step: Step
    send: PySend | None = None


def stringify_id(value: str | int | float | None) -> str | None:
    """posthog-python ``stringify_id``: ``None`` stays missing, numbers by ``str()``."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


def context_distinct_id(device: PyDevice) -> str | None:
    """``get_context_distinct_id``: the innermost own id, stopping at a fresh context."""
    # The lookup stops at the first context whose own id is not None, even "" (PY-06).
    for context in reversed(device.contexts):
        if context.distinct_id is not None:
            return context.distinct_id
        if context.fresh:
            return None  # PY-07: nothing from outside a fresh context
    return None


def context_tags(device: PyDevice) -> dict[str, Json]:
    """``collect_tags``: the tags of the contexts up to the nearest fresh one, child's last."""
    chain: list[PyContext] = []
    for context in reversed(device.contexts):
        chain.append(context)
        if context.fresh:
            break
    tags: dict[str, Json] = {}
    for context in reversed(chain):
        tags.update(context.tags)
    return tags


def _with_tags(device: PyDevice, properties: JsonObject) -> dict[str, Json]:
    # Inside a context, tags go under the call's properties, keys in $context_tags (PY-08).
    if not device.contexts:
        return dict(properties)
    tags = context_tags(device)
    return {**tags, **properties, "$context_tags": sorted(tags)}


def _resolve(device: PyDevice, passed: str | int | float | None) -> str | None:
    """``get_identity_state``: the explicit id, else the context's; ``None``: personless."""
    # "" and None count as missing; whitespace is kept and capture rejects it (PY-01).
    # PY-05: an explicit id wins over the context's.
    explicit = stringify_id(passed)
    if explicit:
        return explicit
    return context_distinct_id(device) or None


def _generate(device: PyDevice) -> tuple[PyDevice, str]:
    # PY-03: a new id per call, never stored or reused: `<device>-anon-<n>` (decision §G).
    generated = f"{device.name}-anon-{device.generated}"
    return PyDevice(
        name=device.name, contexts=device.contexts, generated=device.generated + 1
    ), generated


def _applied(device: PyDevice, rule: str, send: PySend | None = None) -> PyDecision:
    return PyDecision(device=device, step=Step(status=Status.APPLIED, rules=(rule,)), send=send)


def _innermost(device: PyDevice, context: PyContext) -> PyDevice:
    return PyDevice(
        name=device.name, contexts=(*device.contexts[:-1], context), generated=device.generated
    )


def decide_python(device: PyDevice, op: PythonOperation) -> PyDecision:
    """One posthog-python call on ``device``."""
    match op:
        case PyCapture():
            return _capture(device, op)
        case PySet():
            return _set(device, op)
        case PyAlias():
            return _alias(device, op)
        case PyGroupIdentify():
            return _group_identify(device, op)
        case NewContext():
            pushed = PyDevice(
                name=device.name,
                contexts=(*device.contexts, PyContext(fresh=op.fresh)),
                generated=device.generated,
            )
            return _applied(pushed, CONTEXT_RULE)
        case EndContext():
            if not device.contexts:
                return PyDecision(
                    device=device,
                    step=rejected(Code.INVALID_OPERATION, "end_context with no open context"),
                )
            popped = PyDevice(
                name=device.name, contexts=device.contexts[:-1], generated=device.generated
            )
            return _applied(popped, CONTEXT_RULE)
        case IdentifyContext():
            return _identify_context(device, op)
        case Tag():
            if not device.contexts:
                return PyDecision(
                    device=device,
                    step=ignored("tag outside a context", TAG_RULE, code=Code.NO_ACTIVE_CONTEXT),
                )
            inner = device.contexts[-1]
            tags = (*((k, v) for k, v in inner.tags if k != op.key), (op.key, op.value))
            context = PyContext(fresh=inner.fresh, distinct_id=inner.distinct_id, tags=tags)
            return _applied(_innermost(device, context), TAG_RULE)
        case _:
            assert_never(op)


def _identify_context(device: PyDevice, op: IdentifyContext) -> PyDecision:
    # No event; only the innermost context's own id; nothing without a context (PY-04).
    rule = "PY-04"
    if not device.contexts:
        return PyDecision(
            device=device,
            step=ignored("identify_context outside a context", rule, code=Code.NO_ACTIVE_CONTEXT),
        )
    inner = device.contexts[-1]
    new_id = stringify_id(op.distinct_id)
    if inner.distinct_id == new_id:
        return PyDecision(device=device, step=ignored("the context already has this id", rule))
    context = PyContext(fresh=inner.fresh, distinct_id=new_id, tags=inner.tags)
    return _applied(_innermost(device, context), rule)


def _capture(device: PyDevice, op: PyCapture) -> PyDecision:
    distinct_id = _resolve(device, op.distinct_id)
    properties = _with_tags(device, op.properties)
    if distinct_id is None:
        device, distinct_id = _generate(device)
        # PY-02: a generated id is personless unless the caller (or a tag) says otherwise.
        properties.setdefault("$process_person_profile", False)
    return _applied(
        device, "PY-01", PySend(distinct_id=distinct_id, event=op.event, properties=properties)
    )


def _set(device: PyDevice, op: PySet) -> PyDecision:
    # No id or nothing to set: nothing is sent; otherwise one person-processed event (PY-09).
    distinct_id = _resolve(device, op.distinct_id)
    properties = _with_tags(device, op.properties)
    if distinct_id is None:
        return PyDecision(
            device=device,
            step=ignored(
                "personless set() does nothing", "PY-09", code=Code.PERSON_PROCESSING_DISABLED
            ),
        )
    if not properties:
        return PyDecision(device=device, step=ignored("nothing to set", "PY-09"))
    event = "$set_once" if op.once else "$set"
    return _applied(
        device,
        "PY-09",
        PySend(distinct_id=distinct_id, event=event, properties={event: properties}),
    )


def _alias(device: PyDevice, op: PyAlias) -> PyDecision:
    # `$create_alias` under previous_id; the alias falls back to the context's id (PY-10).
    rule = "PY-10"
    previous = stringify_id(op.previous_id)
    alias = _resolve(device, op.distinct_id)
    if not previous or alias is None:
        return PyDecision(
            device=device,
            step=rejected(
                Code.INVALID_DISTINCT_ID, "alias needs previous_id and a distinct id", rule
            ),
        )
    properties: dict[str, Json] = {"distinct_id": previous, "alias": alias}
    return _applied(
        device,
        rule,
        PySend(distinct_id=previous, event="$create_alias", properties=properties),
    )


def _group_identify(device: PyDevice, op: PyGroupIdentify) -> PyDecision:
    # Always person-processed; explicit id, else the context's, else a generated one (PY-11).
    rule = "PY-11"
    if not op.group_type or not op.group_key:
        return PyDecision(
            device=device,
            step=rejected(Code.INVALID_OPERATION, "group_identify needs a type and a key", rule),
        )
    distinct_id = _resolve(device, op.distinct_id)
    if distinct_id is None:
        device, distinct_id = _generate(device)
    properties: dict[str, Json] = {
        "$group_type": op.group_type,
        "$group_key": op.group_key,
        "$group_set": op.properties if op.properties is not None else EMPTY_OBJECT,
    }
    return _applied(
        device,
        rule,
        PySend(distinct_id=distinct_id, event="$groupidentify", properties=properties),
    )
