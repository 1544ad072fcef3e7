"""Loading price books: the shipped ones (``identity_model/billing/price_books``, one per
vendor) by name, users' own from a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from identity_model.billing.pricing import DEFAULT_BOOK, PriceBook, parse_price_book
from identity_model.errors import Code, IdentityError
from identity_model.io.limits import JsonRefused, loads_line

if TYPE_CHECKING:  # (imported where used: a run under one vendor loads no other's book, #10)
    from importlib.resources.abc import Traversable

    from identity_model.billing.amplitude import AmplitudeBook
    from identity_model.billing.mixpanel import MixpanelBook


def _folder() -> Traversable:
    from importlib import resources  # noqa: PLC0415 (slow to import: only when a book is read)

    return resources.files("identity_model.billing") / "price_books"


def shipped_books() -> tuple[str, ...]:
    """The names of the price books shipped with the package."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _folder().iterdir()
            if entry.name.endswith(".json")
        )
    )


def load_price_book(name_or_path: str = DEFAULT_BOOK) -> PriceBook:
    """A shipped book by name, or a user's book from a JSON file path."""
    if name_or_path in shipped_books():
        entry = _folder() / f"{name_or_path}.json"
        text, origin = entry.read_text(encoding="utf-8"), name_or_path
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise IdentityError(
                Code.INVALID_PRICE_BOOK,
                f"no price book {name_or_path!r}: neither a shipped book "
                f"({', '.join(shipped_books())}) nor a file",
            )
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as error:
            raise IdentityError(Code.INVALID_PRICE_BOOK, f"{path}: {error}") from None
        except UnicodeDecodeError as error:  # issue #17
            raise IdentityError(
                Code.INVALID_PRICE_BOOK, f"{path}: not UTF-8 text (byte {error.start})"
            ) from None
        origin = str(path)
    try:
        data = loads_line(text)  # strict JSON within the script limits (#17: no NaN, depth)
    except json.JSONDecodeError as error:
        raise IdentityError(
            Code.INVALID_PRICE_BOOK, f"{origin}: not JSON: {error.msg} (line {error.lineno})"
        ) from None
    except JsonRefused as error:
        raise IdentityError(Code.INVALID_PRICE_BOOK, f"{origin}: {error.message}") from None
    return parse_price_book(data, origin)


# --- Amplitude (issue #14) ---------------------------------------------------------------------


def load_amplitude_book() -> AmplitudeBook:
    """The shipped Amplitude book (Starter and Plus), ``billing/price_books/amplitude-2026``."""
    from identity_model.billing.amplitude import BOOK as AMPLITUDE_BOOK  # noqa: PLC0415
    from identity_model.billing.amplitude import parse_book  # noqa: PLC0415

    entry = _folder() / f"{AMPLITUDE_BOOK}.json"
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise IdentityError(
            Code.INVALID_PRICE_BOOK, f"{AMPLITUDE_BOOK}: not JSON: {error.msg}"
        ) from None
    return parse_book(data, AMPLITUDE_BOOK)


# --- vendors' own book shapes (issue #14) ---
def shipped_book_data(name: str) -> Any:
    """A shipped book's JSON object, for a vendor that parses its own book shape."""
    if name not in shipped_books():
        raise IdentityError(Code.INVALID_PRICE_BOOK, f"no shipped price book {name!r}")
    entry = _folder() / f"{name}.json"
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise IdentityError(Code.INVALID_PRICE_BOOK, f"{name}: not JSON: {error.msg}") from None


# --- end vendors' own book shapes ---


# --- Mixpanel (issue #14) ----------------------------------------------------------------------


def load_mixpanel_book() -> MixpanelBook:
    """The shipped Mixpanel book (Free, Growth, add-ons): ``mixpanel-events-2026``."""
    from identity_model.billing.mixpanel import BOOK as MIXPANEL_BOOK  # noqa: PLC0415
    from identity_model.billing.mixpanel import parse_book as parse_mixpanel_book  # noqa: PLC0415

    return parse_mixpanel_book(shipped_book_data(MIXPANEL_BOOK))
