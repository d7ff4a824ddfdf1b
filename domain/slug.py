"""Stable, readable identifiers for natural keys."""

import re
import unicodedata


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by dashes.

    >>> slugify("VA.gov Provides an API"), slugify("Café Ünïcode!"), slugify("  C++ / .NET  ")
    ('va-gov-provides-an-api', 'cafe-unicode', 'c-net')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
