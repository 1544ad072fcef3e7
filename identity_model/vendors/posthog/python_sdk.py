"""The Python server SDK (``"client": "python"``, the PY rules): posthog-python's calls and
contexts on one device, decided without writes.

A Python device is one posthog-python client in one thread or task: a stack of contexts and a
counter of the ids it generated. ``decide_python`` returns the next device, the SDK's own step
and the event to send, if any; the caller sends the event through ingestion, and a call that
sends an event takes that event's outcome (format extension, issue #11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Final, TypeAlias, assert_never

from identity_model.errors import Code
from identity_model.fields import Fields
from identity_model.jsontypes import EMPTY_OBJECT, Json, JsonObject, freeze, freeze_object
from identity_model.operations import DEFAULT_DEVICE, VendorOperation
from identity_model.outcome import Status, Step, ignored, rejected
from identity_model.rules import SdkRule

CONTEXT_RULE: Final = "PY-06"  # contexts nest, inherit and are left again
TAG_RULE: Final = "PY-08"  # tags go under each call's properties
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


def _python_id(fields: Fields, key: str, *, required: bool = False) -> str | int | float | None:
    """A Python SDK id: a string or a number (``str()`` converts it later), or missing."""
    value = fields.raw.get(key)
    if value is None:
        if required:
            raise fields.fail(f"{key!r} is required (a string or a number)")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fields.fail(f"{key!r} must be a string or a number")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class PyCapture(VendorOperation):
    OP: ClassVar[str] = "capture"

    event: str
    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> PyCapture:
        return cls(
            event=fields.string("event", required=True) or "",
            properties=fields.obj("properties") or {},
            distinct_id=_python_id(fields, "distinct_id"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PySet(VendorOperation):
    """``posthog.set``; ``PySetOnce`` is ``posthog.set_once``."""

    OP: ClassVar[str] = "set"
    ONCE: ClassVar[bool] = False

    properties: JsonObject = field(default_factory=lambda: EMPTY_OBJECT)
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> PySet:
        return cls(
            properties=fields.obj("properties") or {},
            distinct_id=_python_id(fields, "distinct_id"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PySetOnce(PySet):
    OP: ClassVar[str] = "set_once"
    ONCE: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class PyAlias(VendorOperation):
    OP: ClassVar[str] = "alias"

    previous_id: str | int | float | None = None
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> PyAlias:
        return cls(
            previous_id=_python_id(fields, "previous_id"),
            distinct_id=_python_id(fields, "distinct_id"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PyGroupIdentify(VendorOperation):
    OP: ClassVar[str] = "group_identify"

    group_type: str
    group_key: str | int | float | None
    properties: JsonObject | None = None
    distinct_id: str | int | float | None = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        if self.properties is not None:
            object.__setattr__(self, "properties", freeze_object(self.properties))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> PyGroupIdentify:
        return cls(
            group_type=fields.string("group_type") or "",
            group_key=_python_id(fields, "group_key"),
            properties=fields.obj("properties"),
            distinct_id=_python_id(fields, "distinct_id"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class NewContext(VendorOperation):
    OP: ClassVar[str] = "new_context"

    fresh: bool = False
    device: str = DEFAULT_DEVICE

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> NewContext:
        return cls(
            fresh=fields.boolean("fresh"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EndContext(VendorOperation):
    OP: ClassVar[str] = "end_context"

    device: str = DEFAULT_DEVICE

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> EndContext:
        return cls(device=fields.string("device") or DEFAULT_DEVICE, timestamp=timestamp)


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifyContext(VendorOperation):
    OP: ClassVar[str] = "identify_context"

    distinct_id: str | int | float
    device: str = DEFAULT_DEVICE

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> IdentifyContext:
        return cls(
            distinct_id=_python_id(fields, "distinct_id", required=True) or "",
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag(VendorOperation):
    OP: ClassVar[str] = "tag"

    key: str
    value: Json = None
    device: str = DEFAULT_DEVICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", freeze(self.value))

    @classmethod
    def read(cls, fields: Fields, timestamp: datetime) -> Tag:
        return cls(
            key=fields.string("key", required=True) or "",
            value=fields.any("value"),
            device=fields.string("device") or DEFAULT_DEVICE,
            timestamp=timestamp,
        )


PythonOperation: TypeAlias = (
    PyCapture | PySet | PyAlias | PyGroupIdentify | NewContext | EndContext | IdentifyContext | Tag
)
PYTHON_OPERATIONS: Mapping[str, type[PythonOperation]] = {
    cls.OP: cls
    for cls in (
        PyCapture,
        PySet,
        PySetOnce,
        PyAlias,
        PyGroupIdentify,
        NewContext,
        EndContext,
        IdentifyContext,
        Tag,
    )
}


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


def _applied(device: PyDevice, rule: SdkRule, send: PySend | None = None) -> PyDecision:
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
    rule: Final = "PY-04"
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
    event = "$set_once" if op.ONCE else "$set"
    return _applied(
        device,
        "PY-09",
        PySend(distinct_id=distinct_id, event=event, properties={event: properties}),
    )


def _alias(device: PyDevice, op: PyAlias) -> PyDecision:
    # `$create_alias` under previous_id; the alias falls back to the context's id (PY-10).
    rule: Final = "PY-10"
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
    rule: Final = "PY-11"
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
