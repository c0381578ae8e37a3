"""What a report section prints, and what it names instead of printing."""
from cartrial.catalogue import load_catalogue
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
    catalogue = load_catalogue()
    tables = {o.id: _table(o.id, o.number, 3, kind=o.kind) for o in catalogue.outputs if o.kind != "figure"}
    tables["t14_3_1_overview"] = _table("t14_3_1_overview", "14.3.1", 0)
    tables["l16_2_7_1_ae_listing"] = _table("l16_2_7_1_ae_listing", "16.2.7.1", 11, kind="listing")
    tables["l16_2_7_2_sae_death_listing"] = _table("l16_2_7_2_sae_death_listing", "16.2.7.2", 10, kind="listing")
    figures = {o.id: f"figures/{o.id}.svg" for o in catalogue.outputs if o.kind == "figure"}
    sections = assemble_sections(catalogue=catalogue, tables=tables, figures=figures, analysis_type="final",
                                 empty={"f14_3_1_crs_icans_timeline": "No CRS or ICANS events."}, max_listing_rows=10)
    safety, listings = _section(sections, "sec-14-3"), _section(sections, "sec-16-2")
    shown = [i["id"] for i in safety["items"]]
    assert "t14_3_1_overview" not in shown and "t14_3_2_teae_soc_pt" in shown
    assert "f14_3_1_crs_icans_timeline" not in shown and "f14_3_2_counts_first_90_days" in shown
    assert any("Table 14.3.1" in o and "no data" in o for o in safety["omitted"])
    assert any("Figure 14.3.1" in o and "No CRS or ICANS events" in o for o in safety["omitted"])
    assert [i["id"] for i in listings["items"]] == ["l16_2_7_2_sae_death_listing", "l16_2_8_1_pregnancy"]  # <= 10 rows: printed
    (named,) = listings["omitted"]
    assert "11 rows" in named and "tables/l16_2_7_1_ae_listing.csv" in named
    # a figure carries the catalogue's population, footnotes and source
    fig = next(i for i in safety["items"] if i["id"] == "f14_3_2_counts_first_90_days")
    assert fig["population"] == "Safety set" and fig["source"] == "ADLB (rule figures)"
