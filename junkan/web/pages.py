"""The navigation: each area of the web interface registers its pages here."""

from __future__ import annotations

from dataclasses import dataclass

from junkan.identity.service import Caller


@dataclass(frozen=True)
class Page:
    path: str
    label: str  # message key
    roles: tuple[str, ...] = ()  # any of these; empty: every signed-in user

    def visible_to(self, caller: Caller) -> bool:
        return not self.roles or caller.has_role(*self.roles)


NAVIGATION: list[Page] = [Page("/app", "nav.dashboard")]


def register_page(page: Page) -> None:
    if all(existing.path != page.path for existing in NAVIGATION):
        NAVIGATION.append(page)


def navigation_for(caller: Caller) -> list[Page]:
    return [page for page in NAVIGATION if page.visible_to(caller)]
