"""The README's token example works against a real server started as `make run` starts it."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(tmp_path):
    """Migrate, load the demo and serve with the real CLI, in a scratch directory."""
    env = {**os.environ, "JUNKAN_DATABASE_URL": f"sqlite:///{tmp_path}/var/junkan.db"}
    junkan = [sys.executable, "-m", "junkan.cli"]
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run(junkan + args, cwd=tmp_path, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        junkan + ["serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
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


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_curl_example_returns_a_token(live_server):
    base, workdir = live_server
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- token-example -->\n```bash\n(.*?)```", readme, re.S).group(1)
    script = block.replace("JUNKAN=http://127.0.0.1:8000", f"JUNKAN={base}")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout  # curl prints each JSON body without a newline
    assert '"token_type":"bearer"' in out and '"access_token"' in out
    assert '"name":"Aizu Motors Corporation"' in out and '"anonymous":false' in out
    assert '"name":"Niihama Cathode Materials K.K."' in out
