"""Cost of the authorisation layer, as ratios against baselines timed in the same run.

- token request (`POST /auth/token`) against one raw argon2id verification: the secret hash is
  the deliberate cost, everything else should be small beside it;
- an authenticated request (`GET /me`, one token lookup) against an anonymous `GET /health`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from junkan import migrate
from junkan.app import create_app
from junkan.config import Settings
from junkan.identity import schemas, service


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        migrate.upgrade(url)
        app = create_app(Settings(database_url=url))
        with app.state.sessionmaker() as session:
            member = service.create_participant(
                session, schemas.ParticipantIn(name="Bench Co", roles=["supplier"]), actor="bench"
            )
            api_client, secret = service.create_client(session, member, "bench", actor="bench")
            stored_hash = api_client.secret_hash
        with TestClient(app) as client:
            grant = {"grant_type": "client_credentials"}
            creds = (api_client.client_id, secret)
            token = client.post("/auth/token", data=grant, auth=creds).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}

            argon = timed(lambda: service._hasher.verify(stored_hash, secret), 30)
            issue = timed(lambda: client.post("/auth/token", data=grant, auth=creds), 30)
            anonymous = timed(lambda: client.get("/health"), 300)
            authenticated = timed(lambda: client.get("/me", headers=auth), 300)
        app.state.engine.dispose()

    print(
        f"token request   {issue * 1e3:7.2f} ms  = {issue / argon:5.2f} x raw argon2id verify "
        f"({argon * 1e3:.2f} ms)"
    )
    print(
        f"GET /me (token) {authenticated * 1e3:7.2f} ms  = {authenticated / anonymous:5.2f} x "
        f"anonymous GET /health ({anonymous * 1e3:.2f} ms)"
    )


if __name__ == "__main__":
    main()
