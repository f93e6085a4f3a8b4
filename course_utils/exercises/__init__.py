"""Exercise checks: one module per notebook (ex01 ... ex05), each check returns Feedback.

A check names what is wrong and gives a hint, not only pass or fail. Notebook 00, "Exercises".
"""

from __future__ import annotations

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


def unanswered(exercise: str, value: object, hint: str) -> Feedback | None:
    """Feedback for an answer still left as None or Ellipsis, else None (test it with `is not None`)."""
    if value is None or value is Ellipsis:
        return wrong(exercise, "There is no answer yet (it is still None).", hint)
    return None
