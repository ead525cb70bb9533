"""bench/sync.py --quick end to end, so the benchmark cannot rot: it starts its own servers, loads
items, pulls them, repeats no-change Syncs, holds Pings and answers them with changes. Figures are
not checked (a smoke run on a shared machine measures nothing); only that every step worked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sync_benchmark_quick_run() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sync.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    for heading in ("Initial sync", "No-change Sync", "Push", "Targets"):
        assert heading in output, output
    assert "FAILED" not in output, output
    assert "unanswered after 10 s: 0" in output, output
