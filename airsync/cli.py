"""The command line: `airsync serve | user | device | import | export | wbxml`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

from . import config as config_mod
from .config import OPTIONS, Config, ConfigError

log = logging.getLogger("airsync")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="TOML configuration file (AIRSYNC_* variables also apply)"
    )
    parser.add_argument("--data-dir", type=Path, help="directory of the embedded store (default ./data)")
    parser.add_argument(
        "--database-url", help="postgresql://user@host/db to use PostgreSQL instead of SQLite"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="airsync", description="An Exchange ActiveSync server.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server")
    _common(serve)
    for option in OPTIONS:
        if not option.flag or option.name in ("data_dir", "database_url"):
            continue
        flag = "--" + option.name.replace("_", "-")
        if option.kind is bool:
            serve.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=option.help)
        else:
            serve.add_argument(flag, default=None, help=f"{option.help} (default: {option.default})")
    serve.add_argument(
        "--demo", action="store_true", help="create (or reset) the account 'demo' and print how to connect"
    )

    user = sub.add_parser("user", help="manage accounts")
    user_sub = user.add_subparsers(dest="action", required=True)
    add = user_sub.add_parser("add", help="create an account with the default folders")
    add.add_argument("name")
    add.add_argument("--password", help="the password (asked for when omitted)")
    add.add_argument("--email", help="e-mail address (default NAME@localhost)")
    add.add_argument("--name", dest="display_name", help="display name")
    _common(add)
    lst = user_sub.add_parser("list", help="list accounts")
    _common(lst)
    passwd = user_sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password", help="the password (asked for when omitted)")
    _common(passwd)
    remove = user_sub.add_parser("remove", help="delete an account and all its data")
    remove.add_argument("name")
    _common(remove)

    device = sub.add_parser("device", help="inspect devices")
    device_sub = device.add_subparsers(dest="action", required=True)
    dlist = device_sub.add_parser("list", help="list devices and their state")
    dlist.add_argument("--user", help="only this user's devices")
    _common(dlist)

    imp = sub.add_parser("import", help="import .ics or .vcf files into a folder")
    imp.add_argument("--user", required=True, help="the account to import into")
    imp.add_argument("--folder", required=True, help="folder display name (e.g. Calendar) or ServerId")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".ics or .vcf file")
    imp.add_argument(
        "--progress", action="store_true", help="show a progress bar even when stderr is not a terminal"
    )
    _common(imp)
    exp = sub.add_parser("export", help="export a folder as one .ics or .vcf file")
    exp.add_argument("--user", required=True, help="the account to export from")
    exp.add_argument("--folder", required=True, help="folder display name (e.g. Contacts) or ServerId")
    exp.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    _common(exp)

    wbxml = sub.add_parser("wbxml", help="convert between WBXML and readable XML")
    wsub = wbxml.add_subparsers(dest="action", required=True)
    dec = wsub.add_parser("decode", help="WBXML file (or - for stdin) to XML on stdout")
    dec.add_argument("file")
    enc = wsub.add_parser("encode", help="XML file (or - for stdin) to WBXML on stdout")
    enc.add_argument("file")
    return parser


def load_config(args: argparse.Namespace) -> Config:
    overrides = {
        name: getattr(args, name)
        for name in (o.name for o in OPTIONS)
        if getattr(args, name, None) is not None
    }
    return config_mod.load(getattr(args, "config", None), overrides)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "wbxml":
            return _wbxml(args)
        cfg = load_config(args)
        logging.basicConfig(
            level=getattr(logging, cfg.log_level.upper()),
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
        # Alembic announces each of its plugins at INFO; only the migrations themselves matter.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
        if args.command == "serve":
            return _serve(cfg, demo=args.demo)
        handler: Callable[[Config, argparse.Namespace], Awaitable[int]] = {
            "user": _user,
            "device": _device,
            "import": _import,
            "export": _export,
        }[args.command]
        return asyncio.run(handler(cfg, args))
    except (ConfigError, ValueError) as exc:
        print(f"airsync: {exc}", file=sys.stderr)
        return 2


def _serve(cfg: Config, *, demo: bool) -> int:
    import uvicorn

    from .web.app import create_app

    if demo:
        password = asyncio.run(_ensure_demo(cfg))
        url = cfg.activesync_url
        server = url.split("//", 1)[1].split("/", 1)[0]
        print(
            "\nairsync is starting with a demo account. Add an Exchange account on a phone with:\n"
            f"  Server:   {server}   (SSL {'on' if url.startswith('https') else 'off'})\n"
            f"  URL:      {url}\n"
            "  Domain:   (leave empty)\n"
            "  User:     demo\n"
            f"  E-mail:   demo@{_domain(server)}\n"
            f"  Password: {password}   (new at every --demo start)\n",
            flush=True,
        )
    ssl: dict[str, Any] = {}
    if cfg.tls_cert:
        ssl = {"ssl_certfile": str(cfg.tls_cert), "ssl_keyfile": str(cfg.tls_key) if cfg.tls_key else None}
    uvicorn.run(
        create_app(cfg),
        host=cfg.host,
        port=cfg.port,
        log_level=cfg.log_level,
        # Ping and Sync with a heartbeat hold a request for up to an hour.
        timeout_keep_alive=3600,
        **ssl,
    )
    return 0


def _domain(server: str) -> str:
    host = server.split(":", 1)[0]
    return host if "." in host else "localhost"


async def _open(cfg: Config) -> Any:
    from .store.db import Database

    db = Database.open(cfg.database_url, cfg.data_dir)
    await db.migrate()
    return db


async def _ensure_demo(cfg: Config) -> str:
    from .store.accounts import Accounts

    db = await _open(cfg)
    try:
        accounts = Accounts(db)
        password = secrets.token_urlsafe(9)
        host = cfg.activesync_url.split("//", 1)[1].split("/", 1)[0]
        if await accounts.get("demo") is None:
            await accounts.add("demo", password, email=f"demo@{_domain(host)}", display_name="Demo User")
        else:
            await accounts.set_password("demo", password)
        return password
    finally:
        await db.close()


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return str(args.password)
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the passwords differ")
    return first


async def _user(cfg: Config, args: argparse.Namespace) -> int:
    from .store.accounts import AccountError, Accounts

    db = await _open(cfg)
    try:
        accounts = Accounts(db)
        try:
            if args.action == "add":
                user = await accounts.add(
                    args.name, _password(args), email=args.email, display_name=args.display_name
                )
                print(f"created {user.name} <{user.email}>")
            elif args.action == "list":
                for user in await accounts.list():
                    print(f"{user.name}\t{user.email}\t{user.display_name}")
            elif args.action == "passwd":
                await accounts.set_password(args.name, _password(args))
                print(f"password of {args.name} changed")
            elif args.action == "remove":
                await accounts.remove(args.name)
                print(f"removed {args.name}")
        except AccountError as exc:
            print(f"airsync: {exc}", file=sys.stderr)
            return 1
        return 0
    finally:
        await db.close()


async def _device(cfg: Config, args: argparse.Namespace) -> int:
    from .devices.registry import DeviceRegistry
    from .store.accounts import Accounts

    db = await _open(cfg)
    try:
        user_id = None
        if args.user:
            user = await Accounts(db).get(args.user)
            if user is None:
                print(f"airsync: no user named {args.user!r}", file=sys.stderr)
                return 1
            user_id = user.id
        rows = await DeviceRegistry(db).list(user_id)
        print("USER\tDEVICEID\tTYPE\tVERSION\tPOLICYKEY\tWIPE\tLASTSEEN\tUSERAGENT")
        for name, dev in rows:
            print(
                "\t".join(
                    str(x)
                    for x in (
                        name,
                        dev.device_id,
                        dev.device_type,
                        dev.protocol_version or "-",
                        dev.policy_key or "-",
                        dev.wipe_state,
                        dev.last_seen.isoformat(timespec="seconds") if dev.last_seen else "-",
                        dev.user_agent or "-",
                    )
                )
            )
        return 0
    finally:
        await db.close()


class _ProgressBar:
    """``[#####     ] 5000/10000 items`` on stderr, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._shown = -1.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._shown < 0.1:
            return
        self._shown = now
        filled = self.WIDTH * done // total if total else self.WIDTH
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] {done}/{total} items")
        self.stream.flush()

    def close(self) -> None:
        if self._shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


async def _import(cfg: Config, args: argparse.Namespace) -> int:
    """Exit status 0: everything imported; 1: some items skipped; 2: nothing could start."""
    from .store.accounts import Accounts
    from .sync.transfer import TransferError, check_file, import_file, resolve_folder

    db = await _open(cfg)
    try:
        user = await Accounts(db).get(args.user)
        if user is None:
            print(f"airsync: no user named {args.user!r}", file=sys.stderr)
            return 2
        try:
            folder = await resolve_folder(db, user, args.folder)
            for path in args.files:  # every file is checked before the first is imported
                check_file(folder, path)
        except TransferError as exc:
            print(f"airsync: {exc}", file=sys.stderr)
            return 2
        skipped = 0
        for path in args.files:
            bar = _ProgressBar(sys.stderr) if args.progress or sys.stderr.isatty() else None
            try:
                result = await import_file(db, user, folder, path, progress=bar)
            except TransferError as exc:
                print(f"airsync: {exc}", file=sys.stderr)
                return 2
            finally:
                if bar is not None:
                    bar.close()
            for error in result.errors:
                print(f"airsync: {path}: {error}", file=sys.stderr)
            print(
                f"{path}: {result.added} added, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.skipped} skipped"
            )
            skipped += result.skipped
        if skipped:
            print(f"airsync: {skipped} items skipped (see above)", file=sys.stderr)
            return 1
        return 0
    finally:
        await db.close()


async def _export(cfg: Config, args: argparse.Namespace) -> int:
    from .store.accounts import Accounts
    from .sync.transfer import TransferError, export_folder, resolve_folder

    db = await _open(cfg)
    try:
        user = await Accounts(db).get(args.user)
        if user is None:
            print(f"airsync: no user named {args.user!r}", file=sys.stderr)
            return 2
        try:
            folder = await resolve_folder(db, user, args.folder)
            count = await export_folder(db, user, folder, args.output or sys.stdout.buffer)
        except TransferError as exc:
            print(f"airsync: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"airsync: {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"exported {count} items of {folder.display_name!r}", file=sys.stderr)
        return 0
    finally:
        await db.close()


def _wbxml(args: argparse.Namespace) -> int:
    from .wbxml import WBXMLError, decode, encode, from_xml, to_xml

    def read(name: str) -> bytes:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()

    try:
        if args.action == "decode":
            sys.stdout.write(to_xml(decode(read(args.file))) + "\n")
        else:
            sys.stdout.buffer.write(encode(from_xml(read(args.file))))
    except (WBXMLError, ValueError, OSError) as exc:
        print(f"airsync: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
