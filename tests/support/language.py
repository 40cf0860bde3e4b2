"""What a page or e-mail says, in either language: Belgian test merchants see Dutch, others English."""
from __future__ import annotations

from worker.i18n import translations


def both(message: str, **values) -> tuple[str, str]:
    """``message`` in English and in Dutch, with ``values`` filled in."""
    dutch = translations("nl").gettext(message)
    return (message % values, dutch % values) if values else (message, dutch)


def both_plural(singular: str, plural: str, num: int) -> tuple[str, str]:
    """A counted message in English and in Dutch."""
    english = (singular if num == 1 else plural) % {"num": num}
    return english, translations("nl").ngettext(singular, plural, num) % {"num": num}


def says(text: str, message: str, **values) -> bool:
    """Whether ``text`` holds ``message`` in English or in Dutch."""
    return any(version in text for version in both(message, **values))
