"""DisplayTable.to_dict: what dataclasses.asdict gives (the JSON the report and medical writers read),
without an empty ``empty_reason``."""
import dataclasses

from cartrial.tables.display import DisplayTable


def _asdict(table):
    data = dataclasses.asdict(table)
    if not data["empty_reason"]:
        del data["empty_reason"]
    return data


def test_to_dict_is_asdict_in_content_and_key_order():
    table = DisplayTable("t1", "14.1", "Title", "Safety set", ["Low", "High"], footnotes=["a", "b"],
                         spanners=[["Dose", 2]], stub_header="Parameter", kind="listing")
    table.add("Group")
    table.add("Value", ["1 (5.0)", "2\n(10.0)"], level=1)
    for table_ in (table, dataclasses.replace(table, empty_reason="no subject infused")):
        got = table_.to_dict()
        assert got == _asdict(table_)
        assert list(got) == list(_asdict(table_))
        assert [list(row) for row in got["rows"]] == [["label", "cells", "level", "kind"]] * 2


def test_to_dict_copies_the_lists():
    table = DisplayTable("t1", "14.1", "Title", "Safety set", ["A"], spanners=[["S", 1]])
    table.add("Row", ["x"])
    got = table.to_dict()
    got["columns"].append("B")
    got["rows"][0]["cells"].append("y")
    got["spanners"][0][1] = 5
    assert table.columns == ["A"] and table.rows[0].cells == ["x"] and table.spanners == [["S", 1]]
