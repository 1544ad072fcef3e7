"""What the command line prints, made safe for a terminal and any standard output (#17).

Ids, event names and property values come from the user's data: printed raw, a control
character or an ANSI escape sequence would rewrite the terminal, a bidi override reorder
the line. ``printable`` escapes them. ``fit_stdout`` lets a narrow or strict standard output
(``PYTHONIOENCODING=ascii``) print every character as an escape instead of crashing.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TextIO

# C0 and C1 controls (ESC starts every ANSI sequence, CSI is one in 8 bits), DEL, the line and
# paragraph separators, and the bidi marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal escaped (``\\x1b``)."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def is_unicode(stream: TextIO) -> bool:
    """Whether ``stream`` encodes every character (UTF-8, -16 or -32)."""
    try:
        name = codecs.lookup(stream.encoding or "ascii").name
    except LookupError:
        return False
    return name.startswith("utf")


def fit_stdout(stream: TextIO) -> None:
    """On a stream that cannot encode every character, write those as backslash escapes."""
    if not is_unicode(stream) and hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="backslashreplace")


def silence(stream: TextIO | None) -> None:
    """Point ``stream``'s file descriptor at the null device, so that the interpreter's last
    flush of a full or broken standard output cannot fail again at exit."""
    if stream is None:
        return
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def error_stream() -> TextIO:
    """Standard error, or the null device when it is closed (``2>&-``)."""
    if sys.stderr is not None:
        return sys.stderr
    return open(os.devnull, "w", encoding="utf-8")  # lives as long as the process


EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process killed by SIGPIPE


def run_guarded(command: Callable[[TextIO, TextIO], int]) -> int:
    """Run ``command(out, err)`` on standard output and error; faults of standard output are
    one ``io_error`` line and exit 2, never a traceback.

    A reader that goes away (``| head``) is not an error: whatever stderr holds is flushed
    and the exit status is that of a broken pipe (141). Faults of the *input* are the
    command's to report (``IdentityError`` with code ``io_error``), where it knows the file.
    """
    err = error_stream()
    out = sys.stdout
    if out is None:
        _say(err, "identity-model: io_error: standard output is closed")
        return EXIT_USAGE
    fit_stdout(out)
    try:
        code = command(out, err)
        out.flush()
    except BrokenPipeError:
        silence(out)
        _flush(err)
        return EXIT_BROKEN_PIPE
    except OSError as error:
        silence(out)
        _say(err, f"identity-model: io_error: cannot write standard output: {_reason(error)}")
        return EXIT_USAGE
    return code


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _say(err: TextIO, line: str) -> None:
    with suppress(OSError, ValueError):  # standard error is gone too: nothing left to tell
        err.write(line + "\n")
    _flush(err)


def _flush(err: TextIO) -> None:
    with suppress(OSError, ValueError):
        err.flush()
