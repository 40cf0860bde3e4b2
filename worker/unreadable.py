"""Why data from a shop could not be read, as a sentence a merchant understands (in their language).

The sentence is an English template marked for the catalogue plus the values found, so it can be
rendered again in the merchant's language (worker.pipeline.messages, code ORDER_UNREADABLE).
"""
from __future__ import annotations

import json
import string

SHOWN_LENGTH = 40


class Unreadable(ValueError):
    """Data we cannot read: ``template`` (marked ``N_``) says why, with ``values`` filled in."""

    def __init__(self, template: str, **values):
        self.template = template
        self.values = dict(values)
        super().__init__(fill(template, self.values))


def shown(value) -> str:
    """A shop's value as quoted in a sentence: short, one line, never a Python repr."""
    if isinstance(value, str):
        text = value.replace("\x00", "\\0")
        return f'"{text[:SHOWN_LENGTH]}…"' if len(text) > SHOWN_LENGTH else f'"{text}"'
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text[:SHOWN_LENGTH] + "…" if len(text) > SHOWN_LENGTH else text


class _Lenient(string.Formatter):
    """Leaves unknown placeholders as they are instead of raising."""

    def get_value(self, key, args, kwargs):
        return kwargs.get(key, "{" + str(key) + "}") if isinstance(key, str) else super().get_value(key, args, kwargs)


def fill(template: str, values: dict) -> str:
    """``template`` with ``values``; a template that is not one (braces in a remote's text) stays as it is."""
    try:
        return _Lenient().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template
