"""Paths of the specification data the tests use (see README.md beside this file)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent
XSD_DIR = DATA / "xsd"
WBXML_TAGS = DATA / "wbxml_tags.json"
CAPTURES = DATA / "captures"
