"""Dutch and English outside a web request (e-mails, error messages written by the worker).

The portal uses Flask-Babel over the same catalogue (``translations/``); English is the source
language, Dutch the default for Dutch and Belgian merchants.
"""
from __future__ import annotations

import functools
import pathlib

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


def gettext_for(language: str):
    """A ``gettext`` for ``language``, for text made outside a request."""
    return translations(language).gettext


def language_for_country(country: str) -> str:
    """Dutch for merchants in the Netherlands and Belgium, English elsewhere."""
    return "nl" if country in ("NL", "BE") else "en"
