"""Per-subject figures stay readable and fast at any study size."""
import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from cartrial.figures.common import individual_lines, new_figure, placeholder_message  # noqa: E402
from cartrial.figures.tte import plot_swimmer  # noqa: E402


def _long(n):
    return pd.DataFrame({"USUBJID": [f"S{i:03d}" for i in range(n) for _ in range(3)],
                         "x": [0, 1, 2] * n, "y": [float(i % 7) for i in range(3 * n)]})


def test_one_collection_of_one_line_per_subject_up_to_the_limit():
    fig, ax = new_figure()
    assert individual_lines(ax, _long(12), x="x", y="y", max_subjects=12)
    (coll,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(coll.get_segments()) == 12 and all(len(s) == 3 for s in coll.get_segments())


def test_above_the_limit_no_individual_lines_and_a_note():
    fig, ax = new_figure()
    assert not individual_lines(ax, _long(13), x="x", y="y", max_subjects=12)
    assert not ax.collections and "n > 12" in ax.texts[0].get_text()


def test_swimmer_above_the_limit_is_a_stated_placeholder(tmp_path):
    adsl = pd.DataFrame({"USUBJID": [f"S{i}" for i in range(5)], "SAFFL": "Y",
                         "TRTSDT": pd.Timestamp("2025-01-01"), "DTHDT": pd.NaT,
                         "LSTALVDT": pd.Timestamp("2025-06-01")})
    plot_swimmer(adsl, pd.DataFrame(), pd.Series(dtype="datetime64[ns]"), pd.Series(dtype="datetime64[ns]"),
                 stem=tmp_path / "swim", max_subjects=4)
    assert "5 subjects exceed the 4" in placeholder_message(tmp_path / "swim.png")
