"""Cross-check against libwbxml, an independent WBXML implementation (Debian libwbxml2-utils).

The tools are required: without them these tests fail with an install hint (CI installs them).
"""

from __future__ import annotations

import pytest

from airsync.wbxml import CODE_PAGES, decode, encode

from .cases import Case, load_cases
from .libwbxml import (
    LIBWBXML_NAMES,
    LIBWBXML_UNKNOWN,
    libwbxml_decode,
    libwbxml_encode,
    libwbxml_view,
    probe_names,
    require_tools,
    unsupported,
)

CASES = load_cases()
IDS = [case.name for case in CASES]

#: Fixtures libwbxml cannot represent, and why (checked, so the list cannot go stale).
NOT_FOR_LIBWBXML = {
    "find_gal_request": "libwbxml does not know Find:Find (page 25, token 0x05)",
    "itemoperations_fetch_response": "ItemOperations:Data holds opaque bytes that are not UTF-8",
}


def test_tools_are_installed() -> None:
    require_tools()


def test_name_table_matches_installed_libwbxml() -> None:
    names = probe_names()
    for page, (_ns, tags) in CODE_PAGES.items():
        for token, tag in tags.items():
            libname = names[page, token]
            if (page, token) in LIBWBXML_UNKNOWN:
                assert libname == "unknown", (page, token)
            else:
                assert libname == LIBWBXML_NAMES.get((page, token), tag.name), (page, token)
    # libwbxml knows nothing we lack.
    assert all(name == "unknown" for (page, token), name in names.items() if token not in CODE_PAGES[page][1])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_against_libwbxml(case: Case) -> None:
    tree = case.tree
    reason = unsupported(tree)
    assert reason == NOT_FOR_LIBWBXML.get(case.name), reason
    if reason is not None:
        return
    # libwbxml reads our bytes as the same tree ...
    assert libwbxml_decode(case.wbxml) == libwbxml_view(tree)
    # ... and writes the same bytes for it (identical when no value changes kind on the way).
    assert libwbxml_encode(tree) == encode(libwbxml_view(tree))
    if libwbxml_view(tree) == tree:
        assert libwbxml_encode(tree) == case.wbxml
    assert decode(libwbxml_encode(tree)) == libwbxml_view(tree)
