"""``identity-model compare --vendors a,b,c FILE``: the cross-vendor what-if (issue #14).

One script, read once, replayed under each vendor: one session per vendor, each fed the same
operation (as the three-mode compare feeds one session per ``person_profiles`` mode). Side by
side: persons (identified and anonymous), the codes each vendor reported (refused merges by
reason, and other refusals), the billing meters, each month's bill from each vendor's book
(``VendorProfile.bill``) and, for a vendor with ``person_profiles`` (PostHog), the mode in force.

Config: a script's config line names one vendor. That vendor keeps the line's settings; every
other vendor starts from its own defaults (a key of one vendor means nothing to another).
``--person-profiles`` still applies to the vendor that has the setting (PostHog), and the
bill options (``--model``, ``--book``) to the vendors whose bills read them; ``--bill
VENDOR.OPTION=VALUE`` sets one vendor's bill (its plan, add-ons, Plus price, ...).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TextIO, assert_never

from identity_model.billing.pricing import Bill
from identity_model.cli.exports import runner_for
from identity_model.cli.price import options_given
from identity_model.cli.runner import EXIT_FAILED, EXIT_OK, UsageError, dump, money
from identity_model.cli.terminal import printable
from identity_model.io.script import configure
from identity_model.operations import Config
from identity_model.outcome import Status, StepRecord
from identity_model.reducers import Session
from identity_model.vendor import PriceInput, vendor_named, vendor_names
from identity_model.world import World, empty_world

FORMAT = "identity-model-compare-vendors/1"
MODES = "person_profiles"  # the one vendor setting shown when a vendor has it (PostHog)
REJECTED_SHOWN = 50  # rejected lines written to stderr, at most


def bill_settings(texts: Sequence[str] | None, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``--bill VENDOR.OPTION=VALUE`` (repeatable): each vendor's bill settings, typed by the
    vendor's ``PriceInput`` (e.g. ``segment.plan=free``, ``amplitude.unit_price=0.049``,
    ``mixpanel.addon=group_analytics``, repeated for more add-ons)."""
    found: dict[str, dict[str, Any]] = {name: {} for name in names}
    for text in texts or ():
        key, equals, value = text.partition("=")
        vendor, dot, option = key.partition(".")
        option = option.replace("-", "_")
        if not equals or not dot or not option:
            raise UsageError(f"--bill {text!r}: VENDOR.OPTION=VALUE, e.g. segment.plan=free")
        if vendor not in found:
            raise UsageError(f"--bill {text!r}: {vendor!r} is not one of --vendors")
        reads = {i.name: i for i in vendor_named(vendor).price_inputs if i.kind != "meter"}
        item = reads.get(option)
        if item is None:
            raise UsageError(
                f"--bill {text!r}: {vendor}'s bill reads {', '.join(reads) or 'no settings'}"
            )
        found[vendor][option] = _typed(item, value, found[vendor].get(option), text)
    return found


def _typed(item: PriceInput, value: str, before: Any, text: str) -> Any:
    match item.kind:
        case "count":
            if not value.isdigit():
                raise UsageError(f"--bill {text!r}: a whole number >= 0")
            return int(value)
        case "decimal":
            try:
                amount = Decimal(value)
            except ArithmeticError:
                raise UsageError(f"--bill {text!r}: a decimal amount") from None
            if not amount.is_finite() or amount < 0:
                raise UsageError(f"--bill {text!r}: an amount >= 0")
            return amount
        case "choices":
            return [*(before or []), value]
        case "choice" | "text" | "meter":
            return value
        case _:
            assert_never(item.kind)


def vendor_list(text: str) -> list[str]:
    """``posthog,amplitude``: registered vendor names, in order, each once; anything else is a
    usage error naming the vendors there are."""
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise UsageError("--vendors: name at least one vendor, e.g. --vendors posthog,segment")
    known = vendor_names()
    missing = [name for name in names if name not in known]
    if missing:
        raise UsageError(
            f"--vendors: no vendor {', '.join(map(repr, missing))} is installed "
            f"(registered: {', '.join(known)})"
        )
    return names


@dataclass(slots=True)
class Tally:
    """What the steps of one vendor's session said, counted as they flow by."""

    codes: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[StepRecord] = field(default_factory=list)

    def add(self, record: StepRecord) -> None:
        self.outcomes[record.status.value] += 1
        self.codes.update(code.value for code in record.codes)
        if record.status is Status.REJECTED:
            self.rejected.append(record)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    names = vendor_list(args.vendors)
    given = {"model": args.model, "book": args.book}
    for option, value in given.items():
        readers = [n for n in names if option in {i.name for i in vendor_named(n).price_inputs}]
        if value is not None and not readers:
            raise UsageError(f"--{option}: no vendor of --vendors {args.vendors} reads it")
    overrides = {MODES: args.person_profiles} if args.person_profiles else {}
    runner = runner_for(args, overrides)  # a script, or a vendor's export (--from, #13)
    runner.report_each = False  # each rejected line once, with its vendors, at the end
    tallies = {name: Tally() for name in names}

    def open_sessions(config: Config) -> list[Session]:
        return [
            Session(
                empty_world(
                    config if config.vendor == name else configure({"vendor": name}, overrides)
                )
            )
            for name in names
        ]

    def tally(records: Sequence[StepRecord], _: Sequence[Session]) -> None:
        for name, record in zip(names, records, strict=True):
            tallies[name].add(record)

    settings = bill_settings(args.bill, names)
    sessions = runner.run(err, open_sessions, on_records=tally)
    columns = {
        name: column(session.world, tallies[name], {**given, **settings[name]})
        for name, session in zip(names, sessions, strict=True)
    }
    _report_rejected(err, runner.label, tallies)
    if args.format == "json":
        dump({"format": FORMAT, "file": runner.label, "order": names, "vendors": columns}, out)
    else:
        write_comparison(out, runner.label, columns)
    any_rejected = any(tally.rejected for tally in tallies.values())
    return EXIT_FAILED if any_rejected else EXIT_OK


def column(world: World[Any], tally: Tally, given: dict[str, Any]) -> dict[str, Any]:
    """One vendor's side of the comparison, as data (docs/conformance-format.md, issue #14)."""
    profile = world.profile
    persons = [
        {
            "distinct_ids": list(person["distinct_ids"]),
            "is_identified": bool(person["is_identified"]),
        }
        for person in profile.report(world.state, [])["persons"]
    ]
    identified = sum(1 for person in persons if person["is_identified"])
    usage = {month: dict(meters) for month, meters in world.usage_by_month().items()}
    meters: dict[str, int] = {}
    for month_meters in usage.values():
        for meter, count in month_meters.items():
            meters[meter] = meters.get(meter, 0) + count
    wanted = {name: value for name, value in given.items() if value is not None}
    reads = {item.name for item in profile.price_inputs if item.kind != "meter"}
    options = options_given(
        profile, {name: value for name, value in wanted.items() if name in reads}, "compare"
    )
    return {
        "config": {
            item.name: _plain(getattr(world.config, item.name)) for item in fields(world.config)
        },
        MODES: _plain(getattr(world.config, MODES, None)),
        "steps": {status.value: tally.outcomes[status.value] for status in Status},
        "persons": {
            "count": len(persons),
            "identified": identified,
            "anonymous": len(persons) - identified,
            "members": persons,
        },
        "codes": dict(sorted(tally.codes.items())),
        "usage": usage,
        "meters": meters,
        "bill": _bill(profile.bill(world.usage_by_month(), options, world.config)),
    }


def _plain(value: Any) -> Any:
    """A config value as JSON: numbers, booleans and null as they are; anything else (enums,
    a vendor's settings object) as text."""
    if value is None or isinstance(value, bool | int):
        return value
    return str(value)


def _bill(bills: Mapping[str, Bill] | None) -> dict[str, Any] | None:
    if bills is None:
        return None
    months: dict[str, Any] = {}
    total = Decimal("0.00")
    book: str | None = None
    currency: str | None = None
    terms: str | None = None
    for month, bill in bills.items():
        total += bill.total
        book, currency, terms = bill.invoice.book, bill.invoice.currency, bill.terms
        months[month] = {
            "total": str(bill.total),
            "lines": [
                {"name": line.name, "quantity": line.quantity, "amount": str(line.amount)}
                for line in bill.invoice.lines
            ],
            "flags": [code for code, _ in bill.flags],
        }
    return {
        "book": book,
        "terms": terms,
        "currency": currency,
        "months": months,
        "total": str(total),
    }


def _report_rejected(err: TextIO, label: str, tallies: dict[str, Tally]) -> None:
    """Each rejected line once, with the vendors that rejected it (the first
    ``REJECTED_SHOWN``; then how many more)."""
    seen: dict[tuple[int, str, str], list[str]] = {}
    for name, tally in tallies.items():
        for record in tally.rejected:
            key = (record.line, ",".join(record.codes), record.message)
            seen.setdefault(key, []).append(name)
    for (line, codes, message), names in sorted(seen.items())[:REJECTED_SHOWN]:
        said = f": {message}" if message else ""
        err.write(printable(f"{label}:{line}: {codes}{said} ({', '.join(names)})") + "\n")
    if len(seen) > REJECTED_SHOWN:
        err.write(f"... and {len(seen) - REJECTED_SHOWN} more rejected lines\n")


# --- text --------------------------------------------------------------------------------------

LABEL = 30
WIDTH = 18


def _row(out: TextIO, label: str, cells: Sequence[object]) -> None:
    out.write(f"{label:<{LABEL}}" + "".join(f"{cell!s:>{WIDTH}}" for cell in cells).rstrip() + "\n")


def write_comparison(out: TextIO, label: str, columns: dict[str, dict[str, Any]]) -> None:
    names = list(columns)
    cols = [columns[name] for name in names]
    out.write(f"identity-model compare --vendors {','.join(names)} {printable(label)}\n")
    out.write("the same traffic under each vendor, each from its own defaults (the vendor a\n")
    out.write("config line names keeps the line's settings)\n\n")
    _row(out, "", names)
    _row(out, "person_profiles", [col[MODES] or "-" for col in cols])
    _row(out, "persons", [col["persons"]["count"] for col in cols])
    _row(out, "  identified", [col["persons"]["identified"] for col in cols])
    _row(out, "  anonymous", [col["persons"]["anonymous"] for col in cols])
    codes = sorted({code for col in cols for code in col["codes"]})
    _row(out, "codes (refusals by reason)", [""] * len(cols) if codes else ["none"] * len(cols))
    for code in codes:
        _row(out, f"  {code}", [col["codes"].get(code, "-") for col in cols])
    meters = list(dict.fromkeys(meter for col in cols for meter in col["meters"]))
    out.write("billing meters (all months)\n")
    for meter in meters:
        _row(out, f"  {meter}", [col["meters"].get(meter, "-") for col in cols])
    months = sorted({month for col in cols if col["bill"] for month in col["bill"]["months"]})
    out.write("bill\n")
    for month in months:
        cells = []
        for col in cols:
            bill = col["bill"]
            entry = bill["months"].get(month) if bill else None
            if entry is None:
                cells.append("-")
            else:
                flags = "".join(f" ({flag})" for flag in entry["flags"])
                cells.append(f"{entry['total']}{'*' if flags else ''}")
        _row(out, f"  {month}", cells)
    _row(
        out,
        "  total",
        [
            money(Decimal(col["bill"]["total"]), col["bill"]["currency"] or "")
            if col["bill"] and col["bill"]["currency"]
            else ("not priced" if col["bill"] is None else "0.00")
            for col in cols
        ],
    )
    out.write("\nbooks\n")
    for name, col in zip(names, cols, strict=True):
        bill = col["bill"]
        if bill is None:
            out.write(f"  {name:<12} not priced\n")
            continue
        flagged = sorted({flag for entry in bill["months"].values() for flag in entry["flags"]})
        note = f"; * {', '.join(flagged)} (never charged)" if flagged else ""
        out.write(f"  {name:<12} {bill['book'] or '-'}, {bill['terms'] or '-'}{note}\n")
    out.write("\npersons\n")
    for name, col in zip(names, cols, strict=True):
        out.write(f"  {name}\n")
        for person in col["persons"]["members"]:
            kind = "identified" if person["is_identified"] else "anonymous"
            ids = ", ".join(printable(one) for one in person["distinct_ids"])
            out.write(f"    {{{ids}}}  {kind}\n")
