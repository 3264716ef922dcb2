"""Real Junkan servers for tests: migrated, loaded with the demo, served by the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(tmp_path: Path, passports: int = 30, **env_extra: str):
    """Migrate, load the demo and serve with the real CLI, in a scratch directory."""
    port = _free_port()
    env = {
        **os.environ,
        "JUNKAN_DATABASE_URL": f"sqlite:///{tmp_path}/var/junkan.db",
        "JUNKAN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **env_extra,
    }
    junkan = [sys.executable, "-m", "junkan.cli"]
    for args in (["db", "upgrade"], ["demo", "--passports", str(passports)]):
        subprocess.run(junkan + args, cwd=tmp_path, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        junkan + ["serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a busy machine may take a while
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=10)


def demo_user(live_server, key: str) -> dict[str, str]:
    """The demo web user of one demo company: {email, password}."""
    _, directory = live_server
    credentials = json.loads((directory / "var" / "demo-credentials.json").read_text())
    return next(p["user"] for p in credentials["participants"] if p["key"] == key)


def sign_in(page, live_server, key: str) -> None:
    base, _ = live_server
    user = demo_user(live_server, key)
    page.goto(f"{base}/app/login")
    page.get_by_label("E-mail address").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/app**")
