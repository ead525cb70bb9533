"""A real `airsync serve` on 127.0.0.1 and a free port, with accounts made by `airsync user add`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def airsync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "airsync.cli", *args], capture_output=True, text=True, check=True, timeout=120
    )


def start_server(data_dir: Path, *extra: str, database_url: str | None = None) -> Server:
    port = free_port()
    db_args = ["--database-url", database_url] if database_url else []
    for name, email in (("alice", "alice@example.test"), ("bob", "bob@example.test")):
        airsync(
            "user",
            "add",
            name,
            "--password",
            "secret",
            "--email",
            email,
            "--data-dir",
            str(data_dir),
            *db_args,
        )
    log_path = data_dir / "server.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "airsync.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--public-url",
                f"http://127.0.0.1:{port}",
                *db_args,
                *extra,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"airsync serve exited:\n{log_path.read_text()}")
        try:
            httpx.options(f"{url}/Microsoft-Server-ActiveSync", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError(f"airsync serve did not come up:\n{log_path.read_text()}")
    return Server(url, data_dir, process, log_path)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("airsync")
    srv = start_server(data_dir, "--protocol-log", str(data_dir / "protocol-log"))
    yield srv
    srv.process.terminate()
    try:
        srv.process.wait(10)
    except subprocess.TimeoutExpired:
        srv.process.kill()
    # Every request of the module was answered without an internal error.
    assert "Traceback" not in srv.log(), srv.log()
