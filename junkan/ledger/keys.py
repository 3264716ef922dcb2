"""Signing keys: the platform's, custodial keys held for participants, and participants' own.

Private keys never sit in the database in the clear: they are sealed with AES-256-GCM under
the node's master key (`<key_dir>/master.key`), so API processes share keys through the
database while the one secret they need stays a file an operator can put in a vault.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_for(public_raw: bytes) -> str:
    return "ed25519-" + hashlib.sha256(public_raw).hexdigest()[:24]


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def load_public(encoded: str) -> Ed25519PublicKey:
    raw = from_b64url(encoded)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify(public_key: str, signature: str, message: bytes) -> bool:
    try:
        load_public(public_key).verify(from_b64url(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


class KeyRing:
    """Seals and unseals private keys with the master key; caches what it has unsealed."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = Path(key_dir)
        self._aead: AESGCM | None = None
        self._cache: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()

    def _master(self) -> AESGCM:
        with self._lock:
            if self._aead is None:
                path = self.key_dir / "master.key"
                if not path.exists():
                    self.key_dir.mkdir(parents=True, exist_ok=True)
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(AESGCM.generate_key(bit_length=256))
                self._aead = AESGCM(path.read_bytes())
            return self._aead

    def generate(self) -> tuple[str, str, bytes, Ed25519PrivateKey]:
        """A new key: (key id, public key base64url, sealed private key, private key)."""
        key = Ed25519PrivateKey.generate()
        raw_public = public_raw(key)
        key_id = key_id_for(raw_public)
        private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        self._cache[key_id] = key
        return key_id, b64url(raw_public), self.seal(private, key_id), key

    def unseal(self, key_id: str, sealed: bytes) -> Ed25519PrivateKey:
        key = self._cache.get(key_id)
        if key is None:
            private = self.open(sealed, key_id)
            key = self._cache[key_id] = Ed25519PrivateKey.from_private_bytes(private)
        return key

    def seal(self, data: bytes, context: str) -> bytes:
        """AES-256-GCM under the master key, bound to `context` (a row's id)."""
        nonce = secrets.token_bytes(12)
        return nonce + self._master().encrypt(nonce, data, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        return self._master().decrypt(sealed[:12], sealed[12:], context.encode())
