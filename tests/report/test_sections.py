"""What a report section prints, and what it names instead of printing."""
from cartrial.report.render import assemble_sections
from cartrial.tables.display import DisplayTable


def _table(id_, number, rows, kind="table"):
    t = DisplayTable(id=id_, number=number, title="T", population="Safety set", columns=["A"], kind=kind)
    for i in range(rows):
        t.add(f"r{i}", ["x"])
    return t


def _section(sections, anchor):
    return next(s for s in sections if s["id"] == anchor)


def test_empty_tables_placeholder_figures_and_long_listings_are_named_not_printed():
    tables = {"t14_3_1_overview": _table("t14_3_1_overview", "14.3.1", 0),
              "t14_3_2_teae_soc_pt": _table("t14_3_2_teae_soc_pt", "14.3.2", 3),
              "l16_2_7_1_ae_listing": _table("l16_2_7_1_ae_listing", "16.2.7.1", 11, kind="listing"),
              "l16_2_7_2_sae_death_listing": _table("l16_2_7_2_sae_death_listing", "16.2.7.2", 10, kind="listing")}
    figures = {"f14_3_1_crs_icans_timeline": "figures/f14_3_1_crs_icans_timeline.svg"}
    sections = assemble_sections(tables=tables, figures=figures, analysis_type="final",
                                 empty={"f14_3_1_crs_icans_timeline": "No CRS or ICANS events."}, max_listing_rows=10)
    safety, listings = _section(sections, "sec-14-3"), _section(sections, "sec-16-2")
    assert [i["id"] for i in safety["items"]] == ["t14_3_2_teae_soc_pt"]
    assert any("14.3.1" in o and "no data" in o for o in safety["omitted"])
    assert any("No CRS or ICANS events" in o for o in safety["omitted"])
    assert [i["id"] for i in listings["items"]] == ["l16_2_7_2_sae_death_listing"]  # 10 rows: printed
    (named,) = listings["omitted"]
    assert "11 rows" in named and "tables/l16_2_7_1_ae_listing.csv" in named


def test_numbers_ascend_within_tables_figures_and_listings():
    """The report's order: within each kind of output the numbers run upwards (14.3.1 before 14.3.9)."""
    from cartrial.report.render import FIGURE_INFO, SECTIONS

    def key(number):
        return tuple(int(p) for p in number.split("."))

    numbers = {"t": [], "f": [], "l": []}
    for _, _, items in SECTIONS:
        for item in items:
            number = (FIGURE_INFO[item][0] if item.startswith("f")
                      else ".".join(p for p in item[1:].split("_") if p.isdigit()))
            numbers[item[0]].append(key(number))
    for kind, seq in numbers.items():
        assert seq == sorted(seq) and len(seq) == len(set(seq)), kind
