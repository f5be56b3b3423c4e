"""The limits of what gioia stores, checked before the database sees a value.

SQLite stores a 600-character text in a 200-character column and PostgreSQL refuses it;
checking every user-supplied value here first gives the same one-line error on both
engines and names the limit. README's "Limits and safety" lists these numbers.
"""

from __future__ import annotations

import re

from gioia.errors import InvalidInput
from gioia.text import name_key

#: Names of things (concepts, themes, dimensions, coders, cases, informants,
#: transcripts) and the other labels: speakers, roles, attribute names.
NAME_LENGTH = 200
#: A wave ("1", "2022 spring").
WAVE_LENGTH = 40
#: The name of an imported file, as the store keeps it.
FILE_NAME_LENGTH = 1000
#: An attribute's value (case.industry = …).
VALUE_LENGTH = 10_000
#: The definition of a concept, theme or dimension, and a note on a decision.
DEFINITION_LENGTH = 10_000
#: A memo.
MEMO_LENGTH = 100_000
#: The largest whole number the store keeps (segment numbers, offsets, counts):
#: PostgreSQL's ``integer``.
MAX_INTEGER = 2**31 - 1
#: The most bootstrap resamples an agreement may ask for.
MAX_BOOTSTRAP = 100_000

# C0 controls, DEL and C1 controls (U+009B starts a terminal escape like ESC [ does),
# and lone surrogates (a byte that was not UTF-8 in a command line: no text can hold it).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# In longer texts line ends and tabs are allowed.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeio" else "A"


def _control_error(what: str, found: str) -> InvalidInput:
    if "\ud800" <= found <= "\udfff":
        return InvalidInput(f"{what} is not valid text (it holds a byte that is not UTF-8).")
    return InvalidInput(
        f"{what} cannot hold control characters (it holds U+{ord(found):04X}): remove it."
    )


def clean_name(name: str, what: str) -> str:
    """``name`` with its spaces collapsed, or an error if it is blank, too long or holds
    control characters; ``what`` says whose name it is ("concept", "speaker", …)."""
    control = _CONTROL.search(name.replace("\n", " ").replace("\t", " ").replace("\r", " "))
    if control is not None:
        raise _control_error(f"{_article(what)} {what} name", control.group())
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(f"{_article(what)} {what} name cannot be blank.")
    length = max(len(cleaned), len(name_key(cleaned)))
    if length > NAME_LENGTH:
        raise InvalidInput(
            f"{_article(what)} {what} name is at most {NAME_LENGTH} characters (this one has "
            f"{length:,}): keep the label short and put the rest in its definition."
        )
    return cleaned


def fit_name(name: str, blank: str) -> str:
    """A name from another program's file made into one gioia holds, where ``clean_name``
    would refuse it: control characters as spaces, spaces collapsed, ``blank`` for an
    empty one, and cut with "…" to ``NAME_LENGTH`` characters (also once case-folded)."""
    fitted = " ".join(_CONTROL.sub(" ", name).split()) or blank
    if len(fitted) > NAME_LENGTH:
        fitted = fitted[: NAME_LENGTH - 1] + "…"
    while len(name_key(fitted)) > NAME_LENGTH:  # "ß" folds to "ss"
        fitted = fitted[:-2].rstrip() + "…"
    return fitted


def clean_label(value: str, what: str, limit: int = NAME_LENGTH) -> str:
    """A short label (role, wave, attribute name, speaker) with its spaces collapsed;
    an error if it holds control characters or is longer than ``limit``. ``what`` is
    how a sentence starts naming it ("A role", "The wave")."""
    control = _CONTROL.search(value.replace("\n", " ").replace("\t", " ").replace("\r", " "))
    if control is not None:
        raise _control_error(what, control.group())
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise InvalidInput(
            f"{what} is at most {limit:,} characters (this one has {len(cleaned):,})."
        )
    return cleaned


def clean_text(value: str, what: str, limit: int) -> str:
    """A longer text (memo, definition, attribute value, note), stripped; line ends and
    tabs are kept, other control characters refused, and it is at most ``limit``."""
    control = _TEXT_CONTROL.search(value)
    if control is not None:
        raise _control_error(what, control.group())
    stripped = value.strip()
    if len(stripped) > limit:
        raise InvalidInput(
            f"{what} is at most {limit:,} characters (this one has {len(stripped):,})."
        )
    return stripped


def check_integer(value: int, what: str, *, low: int = 0) -> int:
    """``value`` if it lies between ``low`` and ``MAX_INTEGER``, else an error naming
    ``what`` ("The segment number")."""
    if not low <= value <= MAX_INTEGER:
        raise InvalidInput(f"{what} must be between {low:,} and {MAX_INTEGER:,} (it is {value:,}).")
    return value
