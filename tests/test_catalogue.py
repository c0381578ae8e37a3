"""The catalogue of outputs: one place that says what each output is, and what a study may change."""
import importlib

import pytest

from cartrial.catalogue import load_catalogue, number_key


def _numbers(catalogue, analysis_type):
    seen = {"table": [], "listing": [], "figure": []}
    for _, _, items in catalogue.report_order(analysis_type):
        for o in items:
            seen[o.kind].append(number_key(o.number))
    return seen


@pytest.mark.parametrize("analysis_type", ["interim", "final"])
def test_numbers_ascend_within_tables_figures_and_listings(analysis_type):
    for kind, seq in _numbers(load_catalogue(), analysis_type).items():
        assert seq == sorted(seq) and len(seq) == len(set(seq)), kind


def test_number_key_orders_numerically():
    assert sorted(["14.3.10", "14.3.9", "14.3.1"], key=number_key) == ["14.3.1", "14.3.9", "14.3.10"]


def test_interim_selection_is_the_catalogue_flag():
    catalogue = load_catalogue()
    interim = {o.id for _, _, items in catalogue.report_order("interim") for o in items}
    assert interim == {o.id for o in catalogue.outputs if o.interim}
    # the interim report holds disposition, the primary endpoint and safety, and the monitoring table
    assert {"t14_1_1_disposition", "t14_2_1_primary", "t14_3_1_overview", "t14_3_9_monitoring"} <= interim
    assert "t14_4_1_kinetic_parameters" not in interim


def test_every_output_has_its_builder():
    for o in load_catalogue().outputs:
        assert callable(getattr(importlib.import_module(o.module), o.function, None)), (o.id, o.builder)
        assert o.module.startswith("cartrial.figures." if o.kind == "figure" else "cartrial.tables.")


def test_a_figure_follows_its_table():
    (_, _, items), = [s for s in load_catalogue().report_order("final") if s[0] == "sec-14-2"]
    ids = [o.id for o in items]
    assert ids.index("f14_2_5_km_curves") == ids.index("t14_2_6_time_to_event") + 1


def test_study_retitles_renumbers_and_drops():
    catalogue = load_catalogue().with_overrides({
        "t14_3_5_infections": {"number": "14.3.2", "title": "Infections (SAP 9.4)"},
        "t14_3_2_teae_soc_pt": {"number": "14.3.5", "footnotes": ["MedDRA version 27.0."]},
        "f14_4_4_cytokines": {"drop": True},
    })
    (_, _, items), = [s for s in catalogue.report_order("final") if s[0] == "sec-14-3"]
    tables = [o.id for o in items if o.kind == "table"]
    assert tables.index("t14_3_5_infections") < tables.index("t14_3_2_teae_soc_pt")   # renumbering reorders
    assert catalogue["t14_3_5_infections"].title == "Infections (SAP 9.4)"
    assert catalogue["t14_3_2_teae_soc_pt"].footnotes[-1] == "MedDRA version 27.0."
    assert "f14_4_4_cytokines" not in catalogue.index("final")["id"].tolist()
    # dropped from the report, still built by its rule (a rule's files do not depend on the study)
    assert "f14_4_4_cytokines" in [o.id for o in catalogue.by_rule("figures")]


@pytest.mark.parametrize("overrides, message", [
    ({"t14_9_9_nothing": {"title": "x"}}, "outputs.t14_9_9_nothing: no such output"),
    ({"t14_3_5_infections": {"colour": "red"}}, "outputs.t14_3_5_infections.colour: not a setting"),
    ({"t14_3_5_infections": {"section": "sec-99"}}, "'sec-99' is not a section"),
    ({"t14_3_5_infections": {"number": "14.3.2"}}, "Table 14.3.2 is both"),
])
def test_bad_overrides_are_named(overrides, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_catalogue().with_overrides(overrides)


def test_rule_inputs_come_from_the_outputs():
    ards, adam = load_catalogue().inputs("tables")
    assert ards[0] == "populations" and {"safety_overview", "ae_by_soc_pt", "monitoring", "kinetics"} <= set(ards)
    assert adam == ["adae", "adlb"]   # the listings read ADAE (adverse events) and ADLB (pregnancy tests)
    assert load_catalogue().modules("figures") == ["cartrial.figures.efficacy", "cartrial.figures.findings",
                                                   "cartrial.figures.kinetics", "cartrial.figures.safety",
                                                   "cartrial.figures.tte"]


def _ard_rows(analysis, rows):
    from cartrial.ard import make_ard

    return make_ard([{"analysis": analysis, "group": "ARM", "group_level": lvl, "group2": "AEBODSYS" if soc else "",
                      "group2_level": soc, "variable": var, "variable_level": term, "stat_name": stat,
                      "stat_value": value} for lvl, soc, var, term, stat, value in rows])


def test_an_added_table_is_one_entry_and_one_builder(tmp_path):
    """Table 14.3.10 (grade >= 3 TEAEs by SOC/PT) was added as one catalogue entry and one builder; built through
    the catalogue context from a hand-made ARD: 4 subjects per arm, arm A has 1 subject with grade 3 neutropenia,
    arm B 2 (one also grade 4 sepsis); nausea has no grade >= 3 event and is left out."""
    from cartrial.ard import ALL, write_ard
    from cartrial.produce import OutputContext, finish_table
    from cartrial.tables import safety

    soc_pt = []
    for lvl, any_, inv, neut, inf, sep, gi, nau in (("A", 1, 1, 1, 0, 0, 0, 0), ("B", 2, 2, 2, 1, 1, 0, 0),
                                                    (ALL, 3, 3, 3, 1, 1, 0, 0)):
        for soc, var, term, g3, n in (("", "ANY", "ANY", any_, 3), ("", "AEBODSYS", "Investigations", inv, 3),
                                      ("Investigations", "AEDECOD", "Neutrophil count decreased", neut, 3),
                                      ("", "AEBODSYS", "Infections and infestations", inf, 1),
                                      ("Infections and infestations", "AEDECOD", "Sepsis", sep, 1),
                                      ("", "AEBODSYS", "Gastrointestinal disorders", gi, 2),
                                      ("Gastrointestinal disorders", "AEDECOD", "Nausea", nau, 2)):
            soc_pt += [(lvl, soc, var, term, "n", n), (lvl, soc, var, term, "n_grade3plus", g3)]
    pops = [(lvl, "", "SAFFL", "Y", "n", n) for lvl, n in (("A", 4), ("B", 4), (ALL, 8))]
    write_ard(_ard_rows("ae_by_soc_pt", soc_pt), tmp_path / "ae_by_soc_pt.csv")
    write_ard(_ard_rows("populations", pops), tmp_path / "populations.csv")
    spec = load_catalogue()["t14_3_10_teae_grade3_soc_pt"]
    ctx = OutputContext(spec, inputs={n: str(tmp_path / f"{n}.csv") for n in ("ae_by_soc_pt", "populations")},
                        settings={"efficacy": {"primary": {"paramcd": "SRI4"}}}, shared={},
                        analysis={"id": "final", "type": "final", "cut": "2026-01-01"},
                        catalogue=load_catalogue(), cache={})
    table = finish_table(getattr(safety, spec.function)(ctx), spec, ctx)
    assert (table.number, table.population) == ("14.3.10", "Safety set (N=8)")
    assert table.columns == ["A (N=4)", "B (N=4)", "Total (N=8)"]
    got = {r.label: r.cells for r in table.rows}
    assert got == {"Subjects with at least one event of grade >= 3": ["1 (25.0%)", "2 (50.0%)", "3 (37.5%)"],
                   "Investigations": ["1 (25.0%)", "2 (50.0%)", "3 (37.5%)"],
                   "Neutrophil count decreased": ["1 (25.0%)", "2 (50.0%)", "3 (37.5%)"],
                   "Infections and infestations": ["0", "1 (25.0%)", "1 (12.5%)"],
                   "Sepsis": ["0", "1 (25.0%)", "1 (12.5%)"]}
    assert table.source == "ADAE; ard/ae_by_soc_pt.csv (rule ards)"
