"""Japanese and English for the web pages: one catalogue per area under `locales/`.

Each file maps a message key to its text in every language, so a missing translation is a
test failure rather than a page in two languages. Choice of language: an explicit switch (a
cookie), then the signed-in user's setting, then the browser's Accept-Language, then English.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request

LANGUAGES = ("ja", "en")
DEFAULT = "en"
COOKIE = "junkan_lang"
LOCALES = Path(__file__).parent / "locales"


class CatalogueError(ValueError):
    pass


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise CatalogueError(f"{path.name}: message {key!r} is defined twice")
            merged[key] = texts
    return merged


def translate(language: str, key: str, **values: object) -> str:
    """The message in `language`; an unknown key shows itself so it is noticed, not hidden."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(language) or texts[DEFAULT]
    return text.format(**values) if values else text


def from_accept_language(header: str | None) -> str | None:
    """The first supported language by the header's q-values (RFC 9110 12.5.4)."""
    if not header:
        return None
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for negative_quality, _, language in sorted(ranked):
        if negative_quality < 0 and language in LANGUAGES:
            return language
    return None


def language_of(request: Request, preferred: str | None = None) -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if preferred in LANGUAGES:
        return preferred
    return from_accept_language(request.headers.get("accept-language")) or DEFAULT
