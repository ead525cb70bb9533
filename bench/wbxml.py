"""Throughput of the WBXML codec on a ~1 MB Sync response, next to libwbxml's command-line tools.

Run: ``.venv/bin/python bench/wbxml.py [--size BYTES] [--repeat N]``.

Ours: best of N timed calls (``time.perf_counter``) of ``encode`` and ``decode`` on the same tree
and bytes, in MB/s of WBXML (1 MB = 10**6 bytes). libwbxml: ``wbxml2xml`` and ``xml2wbxml`` run as
subprocesses on the same document, best of N wall-clock runs *including process start and file
I/O*; there is no Python binding to time the library alone, so those figures understate libwbxml's
own speed, and the ratio column says only how the two compare as tools a developer would call.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from airsync.wbxml import Element, decode, encode, ns
from tests.wbxml.libwbxml import DECODE_ARGS, ENCODE_ARGS, libwbxml_view, to_libwbxml_xml

A, B, C, EM, E2 = ns.AirSync, ns.AirSyncBase, ns.Contacts, ns.Email, ns.Email2
WORDS = (
    "meeting budget review quarterly the a of and to in project deadline schedule please find "
    "attached report update thanks regards team status next week call notes agenda Zürich café"
).split()


def _text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def _add(rng: random.Random, i: int) -> Element:
    body_words = rng.choice((20, 40, 80, 150, 400)) if i % 10 else 1500
    body = _text(rng, body_words)
    return A.Add(
        A.ServerId(f"5:{i}"),
        A.ApplicationData(
            EM.To(f'"User {i}" <user{i}@example.com>'),
            EM.From('"Alice Sender" <alice@example.org>'),
            EM.Subject(_text(rng, 6)),
            EM.DateReceived("2026-03-01T10:%02d:00.000Z" % (i % 60)),  # noqa: UP031
            EM.DisplayTo(f"User {i}"),
            EM.ThreadTopic(_text(rng, 5)),
            EM.Importance(1),
            EM.Read(i % 2),
            B.Body(B.Type(1), B.EstimatedDataSize(len(body)), B.Data(body)),
            EM.MessageClass("IPM.Note"),
            EM.InternetCPID(65001),
            EM.Flag(),
            EM.ContentClass("urn:content-classes:message"),
            B.NativeBodyType(2),
            E2.ConversationId(rng.randbytes(16)),  # OPAQUE, as Exchange sends it
            E2.ConversationIndex(rng.randbytes(5)),
            EM.Categories(EM.Category("Work")),
        ),
    )


def _contact(rng: random.Random, i: int) -> Element:
    first, last = rng.choice(WORDS).title(), rng.choice(WORDS).title()
    return A.Add(
        A.ServerId(f"3:{i}"),
        A.ApplicationData(
            C.FileAs(f"{last}, {first}"),
            C.FirstName(first),
            C.LastName(last),
            C.Email1Address(f"{first}.{last}{i}@example.com".lower()),
            C.MobilePhoneNumber("+41 79 %03d %02d %02d" % (i % 1000, i % 97, i % 89)),  # noqa: UP031
            C.BusinessPhoneNumber("+41 44 123 45 67"),
            C.CompanyName("Example AG"),
            C.JobTitle(rng.choice(WORDS).title()),
            C.BusinessAddressCity("Zürich"),
            C.BusinessAddressStreet("Bahnhofstrasse 1"),
            C.BusinessAddressPostalCode("8001"),
            C.Birthday("1980-01-01T00:00:00.000Z"),
            C.Categories(C.Category("Work")),
            B.Body(B.Type(1), B.EstimatedDataSize(0), B.Truncated(1)),
            B.NativeBodyType(1),
        ),
    )


def build(size: int, kind: str = "email") -> Element:
    """A Sync response of about ``size`` bytes: emails with bodies, or contacts (small fields)."""
    rng = random.Random(1)
    make = _add if kind == "email" else _contact
    adds: list[Element] = []
    total = 0
    while total < size:
        add = make(rng, len(adds))
        adds.append(add)
        total += len(encode(add))
    return A.Sync(
        A.Collections(
            A.Collection(
                A.SyncKey("1234567890"),
                A.CollectionId("5"),
                A.Status(1),
                A.Commands(adds),
                A.MoreAvailable(),
            )
        )
    )


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="target WBXML size in bytes")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measurement (best of)")
    args = parser.parse_args()

    print("WBXML codec benchmark")
    print(
        f"  python     {platform.python_implementation()} {platform.python_version()} on {platform.machine()}"
    )
    print(f"  cpus       {os.cpu_count()}")
    print(f"  method     best of {args.repeat} runs, time.perf_counter; MB/s = WBXML bytes / 1e6 / s")
    print("             libwbxml: wall clock of the command-line tools, including process start")
    ok = True
    for kind, label in (("email", "emails with bodies"), ("contacts", "contacts, small fields only")):
        ok &= _measure(build(args.size, kind), f"Sync response, {label}", args.repeat, kind == "email")
    print()
    print(f"target >= {TARGET:.0f} MB/s each way on the email document: {'met' if ok else 'NOT met'}")


TARGET = 20.0


def _measure(tree: Element, label: str, repeat: int, is_target: bool) -> bool:
    data = encode(tree)
    assert decode(data) == tree
    n_elements = sum(1 for _ in _walk(tree))
    mb = len(data) / 1e6
    t_enc = best(lambda: encode(tree), repeat)
    t_dec = best(lambda: decode(data), repeat)
    rows: list[tuple[str, float | None, str]] = [
        ("airsync encode (tree -> WBXML)", t_enc, "in-process"),
        ("airsync decode (WBXML -> tree)", t_dec, "in-process"),
    ]
    lib_enc = lib_dec = None
    same: bool | None = None
    if shutil.which("wbxml2xml") and shutil.which("xml2wbxml"):
        with tempfile.TemporaryDirectory() as tmp:
            wbxml_in = Path(tmp, "doc.wbxml")
            wbxml_in.write_bytes(data)
            xml_in = Path(tmp, "doc.xml")
            xml_in.write_text(to_libwbxml_xml(tree), encoding="utf-8")
            out_xml = os.fspath(Path(tmp, "out.xml"))
            out_wbxml = os.fspath(Path(tmp, "out.wbxml"))

            def run(cmd: list[str]) -> None:
                subprocess.run(cmd, check=True, capture_output=True)

            dec_cmd = ["wbxml2xml", *DECODE_ARGS, "-o", out_xml, os.fspath(wbxml_in)]
            enc_cmd = ["xml2wbxml", *ENCODE_ARGS, "-o", out_wbxml, os.fspath(xml_in)]
            run(enc_cmd)
            same = Path(out_wbxml).read_bytes() == encode(libwbxml_view(tree))
            lib_enc = best(lambda: run(enc_cmd), repeat)
            lib_dec = best(lambda: run(dec_cmd), repeat)
        rows.append(("libwbxml xml2wbxml (XML -> WBXML)", lib_enc, "subprocess, wall clock"))
        rows.append(("libwbxml wbxml2xml (WBXML -> XML)", lib_dec, "subprocess, wall clock"))
    else:
        rows.append(("libwbxml", None, "not installed (apt-get install libwbxml2-utils)"))

    print()
    print(f"{label}: {len(data):,} bytes, {n_elements:,} elements ({len(data) / n_elements:.1f} bytes each)")
    if same is not None:
        print(f"  xml2wbxml output == our encoding of the same tree: {same}")
    print(f"  {'measurement':<36} {'ms':>9} {'MB/s':>9}  note")
    print(f"  {'-' * 36} {'-' * 9} {'-' * 9}  {'-' * 24}")
    for name, seconds, note in rows:
        if seconds is None:
            print(f"  {name:<36} {'-':>9} {'-':>9}  {note}")
        else:
            print(f"  {name:<36} {seconds * 1e3:9.2f} {mb / seconds:9.1f}  {note}")
    if lib_enc and lib_dec:
        ratios = f"encode {lib_enc / t_enc:5.1f}x   decode {lib_dec / t_dec:5.1f}x"
        print(f"  ratio ours/libwbxml  {ratios}  (>1: ours faster)")
    return not is_target or (mb / t_enc >= TARGET and mb / t_dec >= TARGET)


def _walk(el: Element):  # type: ignore[no-untyped-def]
    stack = [el]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


if __name__ == "__main__":
    main()
