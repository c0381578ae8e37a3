"""The operating-characteristics figure: every value label stays on the plot and off its neighbour bar."""
import pandas as pd

import cartrial.figures.oc as oc


def test_value_labels_stay_inside_the_axis(monkeypatch, tmp_path):
    drawn = {}
    monkeypatch.setattr(oc, "save_figure", lambda fig, stem: drawn.update(fig=fig))
    table = pd.DataFrame({"scenario": ["toxic", "target"], "p_response": [0.7, 0.7], "p_toxicity": [0.35, 0.1],
                          "p_stop_early": [0.968, 0.161], "p_success": [0.032, 0.837]})
    oc.plot_operating_characteristics(table, stem=tmp_path / "oc")
    texts = {t.get_text(): t for t in drawn["fig"].axes[0].texts}
    near_end = texts["0.968"]  # no room after the bar: inside its end, right-aligned, white
    assert near_end.get_position()[0] < 0.968 and near_end.get_ha() == "right" and near_end.get_color() == "white"
    for value in ("0.161", "0.032", "0.837"):  # after the bar, left-aligned
        x = texts[value].get_position()[0]
        assert x > float(value) and texts[value].get_ha() == "left"
