"""Hypothesis strategies for element trees over the real code pages."""

from __future__ import annotations

from hypothesis import strategies as st

from airsync.wbxml import CODE_PAGES, Element

QNAMES = sorted((name, tag.name) for name, tags in CODE_PAGES.values() for tag in tags.values())

#: Any text WBXML can carry: no U+0000 (the STR_I terminator), no lone surrogates (not UTF-8).
texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1)
qnames = st.sampled_from(QNAMES)

leaves = st.builds(
    lambda qname, value: Element(qname[0], qname[1], value),
    qnames,
    st.one_of(st.none(), texts, st.binary(max_size=64)),
)


def _parents(children: st.SearchStrategy[Element]) -> st.SearchStrategy[Element]:
    return st.builds(
        lambda qname, kids: Element(qname[0], qname[1], None, tuple(kids)),
        qnames,
        st.lists(children, min_size=1, max_size=6),
    )


trees = st.recursive(leaves, _parents, max_leaves=40)
