"""Figure of the operating characteristics: P(stop early) and P(success) per scenario."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cartrial.figures.common import new_figure, save_figure


def plot_operating_characteristics(table: pd.DataFrame, *, stem: str | Path) -> None:
    fig, ax = new_figure(7.0, 0.6 + 0.55 * len(table))
    y = np.arange(len(table))[::-1]
    for offset, col, label, colour in ((0.17, "p_stop_early", "P(stop early for toxicity)", "#b2182b"),
                                       (-0.17, "p_success", "P(success at the final analysis)", "#2166ac")):
        ax.barh(y + offset, table[col], height=0.32, color=colour, label=label)
        for yy, v in zip(y + offset, table[col]):
            if v > 0.9:  # no room after the bar: the value inside its end, in white
                ax.text(v - 0.01, yy, f"{v:.3f}", va="center", ha="right", fontsize=7, color="white")
            else:
                ax.text(v + 0.01, yy, f"{v:.3f}", va="center", fontsize=7)
    labels = [f"{r.scenario}\n(response {r.p_response:g}, toxicity {r.p_toxicity:g})" for r in table.itertuples()]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("Probability over simulated trials")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.9 / (0.6 + 0.55 * len(table))), ncol=2, fontsize=7,
              frameon=False)
    save_figure(fig, stem)
