"""Sans-IO codec for ActiveSync WBXML (MS-ASWBXML): bytes in, element trees out, and back.

Standard library only, no I/O, no logging; see ``decode``, ``encode``, ``to_xml`` and ``from_xml``.
"""

from .codepages import CODE_PAGES, Tag
from .decoder import decode
from .element import E, Element, Namespace, ns
from .encoder import encode
from .errors import WBXMLError
from .xmlview import from_xml, to_xml

__all__ = [
    "CODE_PAGES",
    "E",
    "Element",
    "Namespace",
    "Tag",
    "WBXMLError",
    "decode",
    "encode",
    "from_xml",
    "ns",
    "to_xml",
]
