"""The Task class table (MS-ASTASK) against Tasks.xsd, the code pages and WBXML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_0, V14_0, V14_1
from airsync.schema.fields import ghostable
from airsync.schema.tasks import RECURRENCE, TASKS
from tests.schema._tables import (
    check_code_pages,
    defined,
    values_for,
    wbxml_round_trip,
    xsd_children,
    xsd_group,
)

by_qname = {f.qname: f for f in TASKS}


def test_every_xsd_element_is_in_the_table_in_xsd_order() -> None:
    xsd = xsd_group("Tasks.xsd")
    assert [f.tag for f in TASKS if f.ns == "Tasks" and f.tag in xsd] == xsd
    extra = {f.qname for f in TASKS} - {f"Tasks:{t}" for t in xsd}
    assert extra == {"Tasks:Rtf", "AirSyncBase:Body"}


def test_recurrence_children_follow_the_xsd() -> None:
    assert [f.tag for f in RECURRENCE.children] == xsd_children("Tasks.xsd", "Recurrence")


def test_versions() -> None:
    rec = {f.tag: f for f in RECURRENCE.children}
    assert not rec["CalendarType"].defined_in(V12_0) and rec["CalendarType"].defined_in(V14_0)
    assert not rec["IsLeapMonth"].defined_in(V12_0)
    assert not rec["FirstDayOfWeek"].defined_in(V14_0) and rec["FirstDayOfWeek"].defined_in(V14_1)
    assert not by_qname["Tasks:OrdinalDate"].defined_in(V2_5)
    assert by_qname["Tasks:Body"].defined_in(V2_5) and not by_qname["Tasks:Body"].defined_in(V12_0)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
def test_nothing_is_ghostable(version) -> None:  # type: ignore[no-untyped-def]
    assert ghostable(TASKS, version) == set()


def test_code_pages_agree() -> None:
    check_code_pages(TASKS)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_wbxml_round_trip(version, data) -> None:  # type: ignore[no-untyped-def]
    value = data.draw(values_for(TASKS, version))
    assert wbxml_round_trip(TASKS, value, version) == defined(TASKS, value, version)
