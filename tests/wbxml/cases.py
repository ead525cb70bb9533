"""The fixture table: ``fixtures/NAME.xml`` (readable twin, the source of truth) + ``NAME.wbxml``.

To add a case, write the XML twin and run ``python -m tests.wbxml.cases`` from the repository root:
it writes the missing ``.wbxml`` files from their twins (captured traffic keeps its real bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, NamedTuple

from airsync.wbxml import Element, encode, from_xml

FIXTURES: Final = Path(__file__).parent / "fixtures"

#: The MS-ASWBXML worked example (section 4, "new contact" Sync response), bytes as the spec
#: prints them up to where the published excerpt stops; the fixture must start with them.
SPEC_EXAMPLE_PREFIX: Final = bytes.fromhex(
    "03 01 6A 00 45 5C 4F 50 03 43 6F 6E 74 61 63 74 73 00 01 4B 03 32 00 01 52 03 32 00 01 4E 03"
    "31 00 01 56 47 4D 03 32 3A 31 00 01 5D 00 11 4A 46 03 31 00 01 4C 03 30 00 01 4D 03 31 00 01"
    "01 00 01 5E 03 46 75 6E 6B"
)


class Case(NamedTuple):
    name: str
    xml: str
    wbxml: bytes

    @property
    def tree(self) -> Element:
        return from_xml(self.xml)


def load_cases() -> list[Case]:
    return [
        Case(path.stem, path.read_text(encoding="utf-8"), path.with_suffix(".wbxml").read_bytes())
        for path in sorted(FIXTURES.glob("*.xml"))
    ]


def _write_missing() -> None:
    for path in sorted(FIXTURES.glob("*.xml")):
        target = path.with_suffix(".wbxml")
        if not target.exists():
            target.write_bytes(encode(from_xml(path.read_text(encoding="utf-8"))))
            print(f"wrote {target}")


if __name__ == "__main__":
    _write_missing()
