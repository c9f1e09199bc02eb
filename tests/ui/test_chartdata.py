"""The UI's pure chart functions (static/src/chartdata.js), checked by node's own test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_chart_data_functions_pass_their_node_tests() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the UI build needs it too")
    result = subprocess.run(
        [node, "--test", "test/"], cwd=STATIC, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
