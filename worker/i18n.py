"""Dutch and English outside a web request (e-mails, error messages written by the worker).

The portal uses Flask-Babel over the same catalogue (``translations/``); English is the source
language, Dutch the default for Dutch and Belgian merchants.
"""
from __future__ import annotations

import datetime as dt
import functools
import pathlib
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

TRANSLATIONS = pathlib.Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalogue for ``language`` (English, the source language, needs none)."""
    if language not in LANGUAGES or language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (it is translated where it is shown)."""
    return message


def gettext_for(language: str):
    """A ``gettext`` for ``language``, for text made outside a request."""
    return translations(language).gettext


def money(amount: Decimal, language: str) -> str:
    """An amount in euros the way ``language`` writes it ("€ 1.234,56" in Dutch, "€1,234.56" in English)."""
    return format_currency(amount, "EUR", locale=language if language in LANGUAGES else "en")


def day(value: dt.date, language: str) -> str:
    """A date the way ``language`` writes it in a sentence ("15 juni 2026", "June 15, 2026")."""
    return format_date(value, "long", locale=language if language in LANGUAGES else "en")


def language_for_country(country: str) -> str:
    """Dutch for merchants in the Netherlands and Belgium, English elsewhere."""
    return "nl" if country in ("NL", "BE") else "en"
