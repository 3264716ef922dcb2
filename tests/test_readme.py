"""The README's curl examples work against a real server started as `make run` starts it."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def run_readme_block(name: str, live_server) -> str:
    """Run the README's bash block marked <!-- {name} --> against the live server."""
    base, workdir = live_server
    readme = (ROOT / "README.md").read_text()
    block = re.search(rf"<!-- {name} -->\n```bash\n(.*?)```", readme, re.S).group(1)
    script = block.replace("JUNKAN=http://127.0.0.1:8000", f"JUNKAN={base}")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_curl_example_returns_a_token(live_server):
    out = run_readme_block("token-example", live_server)  # curl prints bodies without newlines
    assert '"token_type":"bearer"' in out and '"access_token"' in out
    assert '"name":"Aizu Motors Corporation"' in out and '"anonymous":false' in out
    assert '"name":"Niihama Cathode Materials K.K."' in out


def test_readme_passport_example_shows_different_fields_to_public_and_recycler(live_server):
    out = run_readme_block("passport-example", live_server)
    created, public, recycler = (
        json.loads(part) for part in out.replace("}{", "}\n{").splitlines()
    )
    assert created["data"]["safety_measures"] == "Isolate the HV connector first"
    assert "safety_measures" not in public["data"]
    assert recycler["data"]["safety_measures"] == "Isolate the HV connector first"
    assert public["id"] == recycler["id"] == created["id"]


def test_readme_pact_example_lists_the_shared_supplier_footprint(live_server):
    out = json.loads(run_readme_block("pact-example", live_server))
    companies = {d["companyName"] for d in out["data"]}
    assert companies == {"Niihama Cathode Materials K.K.", "Himeji Battery Cell Co., Ltd."}
    assert all(d["specVersion"].startswith("3.") for d in out["data"])
