"""Server configuration: one schema (name, type, default, help) feeds the TOML file, the AIRSYNC_*
environment variables and the command-line flags. Later sources win: defaults < file < environment
< flags. The result is an immutable ``Config`` passed to whoever needs it, never a global."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in str(value).split(",") if v.strip())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class Option:
    name: str
    kind: type
    default: Any
    help: str
    flag: bool = True  # also a command-line flag of `airsync serve`


OPTIONS: tuple[Option, ...] = (
    Option("host", str, "0.0.0.0", "address to listen on"),
    Option("port", int, 8080, "TCP port to listen on"),
    Option("data_dir", Path, Path("data"), "directory for the SQLite database and large files"),
    Option("database_url", str, None, "postgresql://user@host/db to run on PostgreSQL (default: SQLite)"),
    Option(
        "public_url", str, None, "the URL devices use to reach this server, e.g. https://mail.example.org"
    ),
    Option("tls_cert", Path, None, "PEM certificate file: serve HTTPS directly"),
    Option("tls_key", Path, None, "PEM private key file for --tls-cert"),
    Option(
        "protocol_log", Path, None, "write every request and response as readable XML under this directory"
    ),
    Option("protocol_log_users", tuple, (), "limit the protocol log to these users (comma-separated)"),
    Option("protocol_log_devices", tuple, (), "limit the protocol log to these DeviceIds (comma-separated)"),
    Option("max_request_size", int, 50 * 1024 * 1024, "largest request body accepted, in bytes"),
    Option("policy_required", bool, True, "devices must provision before they sync (HTTP 449 / Status 142)"),
    Option("heartbeat_min", int, 60, "shortest Ping/Sync heartbeat accepted, in seconds"),
    Option(
        "heartbeat_max",
        int,
        3540,
        "longest Ping/Sync heartbeat accepted, in seconds (keep it below proxy timeouts)",
    ),
    Option("log_level", str, "info", "debug, info, warning or error"),
)


@dataclass(frozen=True)
class Config:
    host: str = "0.0.0.0"
    port: int = 8080
    data_dir: Path = Path("data")
    database_url: str | None = None
    public_url: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    protocol_log: Path | None = None
    protocol_log_users: tuple[str, ...] = ()
    protocol_log_devices: tuple[str, ...] = ()
    max_request_size: int = 50 * 1024 * 1024
    policy_required: bool = True
    heartbeat_min: int = 60
    heartbeat_max: int = 3540
    log_level: str = "info"
    #: The [policy] table of the config file: EASProvisionDoc settings by their spec names.
    policy: Mapping[str, Any] = field(default_factory=dict)

    @property
    def activesync_url(self) -> str:
        base = self.public_url or _guess_base(self.host, self.port, self.tls_cert is not None)
        base = base.rstrip("/")
        if base.lower().endswith("/microsoft-server-activesync"):
            return base
        return base + "/Microsoft-Server-ActiveSync"

    def with_values(self, values: Mapping[str, Any]) -> Config:
        return replace(self, **{k: _coerce(k, v) for k, v in values.items() if v is not None})


def _guess_base(host: str, port: int, tls: bool) -> str:
    if host in ("0.0.0.0", "::", ""):
        import socket

        host = socket.gethostname()
    scheme = "https" if tls else "http"
    default = 443 if tls else 80
    return f"{scheme}://{host}" + ("" if port == default else f":{port}")


_BY_NAME = {o.name: o for o in OPTIONS}


def _coerce(name: str, value: Any) -> Any:
    if name == "policy":
        if not isinstance(value, Mapping):
            raise ConfigError("[policy] must be a table")
        return dict(value)
    option = _BY_NAME.get(name)
    if option is None:
        raise ConfigError(f"unknown setting {name!r}")
    try:
        if option.kind is bool:
            return _bool(value)
        if option.kind is tuple:
            return _split(value)
        if option.kind is Path:
            return Path(value).expanduser()
        return option.kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name}: {exc}") from None


def load(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    cfg = Config()
    if config_file is not None:
        try:
            data = tomllib.loads(Path(config_file).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {config_file}: {exc}") from None
        cfg = cfg.with_values({k.replace("-", "_"): v for k, v in data.items()})
    env = os.environ if environ is None else environ
    from_env = {
        o.name: env[f"AIRSYNC_{o.name.upper()}"] for o in OPTIONS if f"AIRSYNC_{o.name.upper()}" in env
    }
    cfg = cfg.with_values(from_env)
    if overrides:
        cfg = cfg.with_values(overrides)
    if not 1 <= cfg.heartbeat_min <= cfg.heartbeat_max:
        raise ConfigError("heartbeat_min must be at least 1 and not above heartbeat_max")
    if cfg.log_level.lower() not in ("debug", "info", "warning", "error"):
        raise ConfigError(f"log_level must be debug, info, warning or error, not {cfg.log_level!r}")
    return cfg


def field_names() -> list[str]:
    return [f.name for f in fields(Config)]
