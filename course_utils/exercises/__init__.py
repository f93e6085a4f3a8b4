"""Exercise checks: one module per notebook (ex01 ... ex05), each check returns Feedback.

A check names what is wrong and gives a hint, not only pass or fail. Notebook 00, "Exercises".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    """The result of an exercise check; shows as one readable paragraph in a notebook."""

    exercise: str
    passed: bool
    message: str
    hint: str = ""

    def __repr__(self) -> str:
        if self.passed:
            return f"✅ {self.exercise}: correct. {self.message}".strip()
        hint = f"\n   Hint: {self.hint}" if self.hint else ""
        return f"❌ {self.exercise}: not yet. {self.message}{hint}"

    def __bool__(self) -> bool:
        return self.passed


def correct(exercise: str, message: str = "") -> Feedback:
    """A passing check, with an optional note on what the answer shows."""
    return Feedback(exercise, True, message)


def wrong(exercise: str, message: str, hint: str) -> Feedback:
    """A failing check: what is wrong, and a hint towards the fix."""
    return Feedback(exercise, False, message, hint)


_KINDS = {
    "a dict": lambda value: isinstance(value, Mapping),
    "a function": callable,
    "a string": lambda value: isinstance(value, str),
    "a whole number": lambda value: isinstance(value, int) and not isinstance(value, bool),
}


def invalid_answer(exercise: str, value: object, hint: str, kind: str | None = None,
                   kind_hint: str | None = None, keys: Iterable = ()) -> Feedback | None:
    """Feedback for an answer still None (or Ellipsis), not of `kind` (a key of _KINDS), or a dict
    without one of `keys`; else None.

    Test the result with `is not None`; `kind_hint` replaces `hint` when only the kind is wrong.
    """
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _KINDS))} or None, not {kind!r}")
    keys = list(keys)
    if keys and kind != "a dict":
        raise ValueError("keys= needs kind='a dict'")
    if value is None or value is Ellipsis:
        return wrong(exercise, "There is no answer yet (it is still None).", hint)
    if kind is not None and not _KINDS[kind](value):
        return wrong(exercise, f"The answer is a {type(value).__name__}, not {kind}.", kind_hint or hint)
    absent = [key for key in keys if key not in value]
    if absent:
        return wrong(exercise, f"No answer for {', '.join(map(repr, absent))}.",
                     f"Give one for each of: {', '.join(map(repr, keys))}.")
    return None
