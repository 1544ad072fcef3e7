"""PostHog as a vendor profile: the SDK layer and the ingestion layer over ``PostHogState``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from identity_model.billing.pricing import DEFAULT_BOOK, Bill, InvoiceModel, price
from identity_model.errors import Code
from identity_model.events import Event, Usage, total_usage
from identity_model.fields import Fields
from identity_model.io.books import load_price_book
from identity_model.operations import (
    CLIENT_OPERATIONS,
    Config,
    Ingest,
    Operation,
    op_name,
    read_one_of,
)
from identity_model.outcome import Step, StepRecord, rejected
from identity_model.vendor import Batch, Decision, MonthlyUsage, PriceInput, ProfileBase
from identity_model.vendors.posthog import report as views
from identity_model.vendors.posthog.client import decide_client
from identity_model.vendors.posthog.config import NAME, ClientFlavour, PostHogConfig, parse_config
from identity_model.vendors.posthog.ingestion import decide_ingest, ingest
from identity_model.vendors.posthog.operations import MobileCapture
from identity_model.vendors.posthog.python_client import decide_python_call
from identity_model.vendors.posthog.python_sdk import (
    PYTHON_OPERATIONS,
    EndContext,
    IdentifyContext,
    NewContext,
    PyAlias,
    PyCapture,
    PyGroupIdentify,
    PySet,
    Tag,
)
from identity_model.vendors.posthog.state import Facts, PostHogState, StateBuilder, View


def decide(view: View, op: Operation) -> Decision[Facts]:
    python = view.config.client is ClientFlavour.PYTHON
    match op:
        case Ingest():
            return decide_ingest(view, op)
        case _ if isinstance(op, CLIENT_OPERATIONS) and not python:
            return decide_client(view, op)
        case (
            PyCapture()
            | PySet()
            | PyAlias()
            | PyGroupIdentify()
            | NewContext()
            | EndContext()
            | IdentifyContext()
            | Tag()
        ) if python:
            return decide_python_call(view, op)
        case _:
            return Decision(
                step=rejected(
                    Code.INVALID_OPERATION,
                    f"{op_name(op)} is not an operation of vendor {NAME!r} "
                    f"with client {view.config.client.value!r}",
                )
            )


class _Batch:
    """Many operations over one ``StateBuilder`` (persistent-map mutation builders)."""

    __slots__ = ("_builder",)

    def __init__(self, state: PostHogState) -> None:
        self._builder = StateBuilder(state)

    def apply(self, op: Operation) -> Step:
        if type(op) is Ingest:  # the hot path: no Decision around the step and facts
            step, facts = ingest(self._builder, op)
        else:
            decision = decide(self._builder, op)
            step, facts = decision.step, decision.facts
        if facts is not None:
            self._builder.write(facts)
        return step

    def finish(self) -> PostHogState:
        return self._builder.finish()

    def person_label(self, event: Event) -> str:
        return views.person_label(self._builder, event)


PRICE_INPUTS = (
    PriceInput(
        name="anonymous_events",
        kind="meter",
        meter="anonymous_events",
        help="posthog: anonymous events in the month",
    ),
    PriceInput(
        name="identified_events",
        kind="meter",
        meter="identified_events",
        help="posthog: identified events in the month",
    ),
    PriceInput(
        name="model",
        kind="choice",
        choices=tuple(model.value for model in InvoiceModel),
        default=InvoiceModel.BASE_PLUS_ADDON.value,
        help="posthog: base_plus_addon (PostHog's billing, default) or docs_split (the FAQ's "
        "reading)",
    ),
    PriceInput(
        name="book",
        kind="text",
        default=DEFAULT_BOOK,
        help="posthog: a shipped book name or a JSON file of your own",
    ),
    PriceInput(
        name="free_events",
        kind="count",
        help="posthog: resize the free first tier (a script's free_events_per_month)",
    ),
)


class PostHog(ProfileBase[PostHogState, Facts]):
    name = NAME
    price_book = DEFAULT_BOOK
    price_inputs = PRICE_INPUTS

    def bill(
        self, usage: MonthlyUsage, options: Mapping[str, Any], config: Config | None = None
    ) -> dict[str, Bill]:
        """PR rules: each month's anonymous and identified events on the book's tiers; the
        config line's ``free_events_per_month`` resizes the free tier unless ``free_events``
        is given (PR-04)."""
        book = load_price_book(str(options.get("book", DEFAULT_BOOK)))
        free = options.get("free_events")
        if free is None and isinstance(config, PostHogConfig):
            free = config.free_events_per_month
        if free is not None:
            book = book.with_free_events(int(free))
        model = InvoiceModel(options.get("model", InvoiceModel.BASE_PLUS_ADDON.value))
        return {
            month: Bill(invoice=price(Usage.of(meters), book, model), terms=f"model {model}")
            for month, meters in usage.items()
        }

    def usage_text(self, usage: MonthlyUsage) -> str:
        total = total_usage(usage)
        return (
            f"usage: {total.anonymous_events} anonymous + {total.identified_events} identified "
            f"= {total.total_events} billed events"
        )

    def parse_config(self, raw: Mapping[str, Any]) -> PostHogConfig:
        return parse_config(raw)

    def neutral_ingest(self, config: Config) -> bool:
        return True  # parse_operation leaves `ingest` to the core under every client

    def parse_operation(self, name: str, fields: Fields) -> Operation | None:
        """The SDK flavour's own operations (format extension, issue #11): the Python SDK's
        calls, and the mobile SDKs' capture; everything else is vendor-neutral."""
        client = fields.config.client if isinstance(fields.config, PostHogConfig) else None
        if client is ClientFlavour.PYTHON and name != Ingest.OP:
            return read_one_of(PYTHON_OPERATIONS, fields)
        if client is ClientFlavour.MOBILE and name == MobileCapture.OP:
            return read_one_of({MobileCapture.OP: MobileCapture}, fields)
        return None

    def empty_state(self, config: Config) -> PostHogState:
        if not isinstance(config, PostHogConfig):
            raise TypeError(f"not a PostHog config: {config!r}")
        return PostHogState(config=config)

    def decide(self, state: PostHogState, op: Operation) -> Decision[Facts]:
        return decide(state, op)

    def evolve(self, state: PostHogState, decision: Decision[Facts]) -> PostHogState:
        builder = StateBuilder(state)
        if decision.facts is not None:
            builder.write(decision.facts)
        return builder.finish()

    def batch(self, state: PostHogState) -> Batch[PostHogState]:
        return _Batch(state)

    def report(self, state: PostHogState, records: Sequence[StepRecord]) -> dict[str, Any]:
        return views.report(state, records)

    def report_stream(self, state: PostHogState, records: Iterable[StepRecord]) -> dict[str, Any]:
        return views.report_stream(state, records)

    def usage(self, state: PostHogState) -> MonthlyUsage:
        return views.usage(state)

    def summary(self, state: PostHogState) -> Mapping[str, int]:
        return views.summary(state)

    def person_label(self, state: PostHogState, event: Event) -> str:
        return views.person_label(state, event)

    def decided_by(self, step: Step) -> str:
        return views.decided_by(step)

    def describe(self, state: PostHogState) -> list[str]:
        return views.describe(state)
