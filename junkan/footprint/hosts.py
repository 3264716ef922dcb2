"""Signing in at another PACT host: its token endpoint, and the credentials we hold there."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session

from junkan.footprint.models import PartnerHost
from junkan.ledger.service import keyring


def partner_token(session: Session, http: httpx.Client, partner: PartnerHost) -> str:
    """A token at the partner's host from the credentials sealed here for it."""
    secret = keyring(session).open(partner.secret_sealed, f"pact-partner:{partner.id}").decode()
    return obtain_token(http, partner.base_url, partner.client_id, secret)


def obtain_token(http: httpx.Client, base_url: str, client_id: str, secret: str) -> str:
    """PACT authentication: the token endpoint from OpenID discovery, else /auth/token."""
    token_url = f"{base_url}/auth/token"
    try:
        discovery = http.get(f"{base_url}/.well-known/openid-configuration")
        if discovery.status_code == 200:
            token_url = discovery.json().get("token_endpoint", token_url)
    except (httpx.HTTPError, ValueError):
        pass
    response = http.post(
        token_url, data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    if response.status_code != 200:
        raise RuntimeError(f"token refused by {token_url}: {response.status_code}")
    return response.json()["access_token"]
