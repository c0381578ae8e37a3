"""Shared figure style: readable in black-and-white print, deterministic files."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: per-arm style: grey levels, markers and line styles differ, so print in black and white works
ARM_STYLES = [
    {"color": "#000000", "marker": "o", "linestyle": "-"},
    {"color": "#5a5a5a", "marker": "s", "linestyle": "--"},
    {"color": "#8c8c8c", "marker": "^", "linestyle": ":"},
    {"color": "#2b2b2b", "marker": "D", "linestyle": "-."},
]
HATCHES = ["", "///", "...", "xx"]


def style_for(i: int) -> dict:
    return ARM_STYLES[i % len(ARM_STYLES)]


def new_figure(width: float = 7.0, height: float = 4.0, **kw):
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "cartrial", "svg.fonttype": "none",
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt.subplots(figsize=(width, height), **kw)


#: PNG text key that marks a figure drawn only to say why there is nothing to plot
PLACEHOLDER_KEY = "cartrial-placeholder"


def save_figure(fig, stem: str | Path, *, placeholder: str | None = None) -> None:
    """Write ``<stem>.png`` (150 dpi) and ``<stem>.svg`` without time stamps."""
    stem = Path(stem)
    meta = {"Software": None, **({PLACEHOLDER_KEY: placeholder} if placeholder else {})}
    fig.savefig(stem.with_suffix(".png"), dpi=150, bbox_inches="tight", metadata=meta)
    fig.savefig(stem.with_suffix(".svg"), dpi=200, bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)


def placeholder(stem: str | Path, message: str) -> None:
    """A figure that says why there is nothing to plot (the section still renders)."""
    fig, ax = new_figure(6, 1.2)
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center")
    save_figure(fig, stem, placeholder=message)


def placeholder_message(png: str | Path) -> str | None:
    """The reason written into a placeholder figure, or None for a real figure."""
    from PIL import Image

    with Image.open(png) as image:
        return image.text.get(PLACEHOLDER_KEY)


def individual_lines(ax, frame: pd.DataFrame, *, x: str, y: str, max_subjects: int, **style) -> bool:
    """One thin line per subject as a single LineCollection (fast at any size); not drawn, and False
    returned, above ``max_subjects`` subjects, where a spaghetti plot shows only its summary."""
    from matplotlib.collections import LineCollection

    if frame["USUBJID"].nunique() > max_subjects:
        ax.text(0.99, 0.99, f"individual lines not drawn (n > {max_subjects})", transform=ax.transAxes,
                ha="right", va="top", fontsize=6, color="#606060")
        return False
    d = frame.dropna(subset=[x, y]).sort_values(["USUBJID", x], kind="stable")
    segments = [g[[x, y]].to_numpy(dtype=float) for _, g in d.groupby("USUBJID", sort=True)]
    ax.add_collection(LineCollection(segments, **style))
    ax.update_datalim(d[[x, y]].to_numpy(dtype=float))
    ax.autoscale_view()
    return True


def too_many_subjects(n: int, max_subjects: int, what: str) -> str | None:
    """The reason a per-subject figure is not drawn, or None when it is."""
    if n > max_subjects:
        return (f"{what} not drawn: {n} subjects exceed the {max_subjects} of a readable per-subject figure "
                "(report.max_subjects_per_figure).")
    return None


#: above this many marks an artist is embedded in the SVG as an image (the report renders it fast)
RASTER_ABOVE = 300
