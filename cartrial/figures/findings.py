"""Figures of findings over time: glucocorticoid taper per subject, CAR-T cell phenotype by visit."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.figures.common import individual_lines, new_figure, placeholder, save_figure, style_for


def _levels(ctx) -> list[str]:
    from cartrial.summaries.efficacy import arm_levels

    return arm_levels(ctx.adam("adsl"), arm_order=list(ctx.settings["arm_order"]))


def plot_steroid_taper(adqs: pd.DataFrame, *, levels: list[str], stem, max_subjects: int) -> None:
    """Prednisone-equivalent dose by study day: one thin line per subject, the median per visit window per
    arm, and the 5 mg/day line."""
    d = adqs[(adqs["PARAMCD"] == "PREDEQ") & adqs["AVAL"].notna() & adqs["ADY"].notna()]
    if not len(d):
        return placeholder(stem, "No glucocorticoid dose in the data (no glucocorticoid CM records).")
    fig, ax = new_figure(7.0, 3.8)
    individual_lines(ax, d, x="ADY", y="AVAL", max_subjects=max_subjects, colors="#b0b0b0", linewidths=0.5)
    visits = d[(d["ANL01FL"] == "Y") | (d["ABLFL"] == "Y")]
    for i, lvl in enumerate(levels):
        g = visits[visits["ARM"] == lvl]
        med = g.groupby("AVISITN").agg(day=("ADY", "median"), dose=("AVAL", "median"), n=("AVAL", "size"))
        med = med[med["n"] >= 3]
        if len(med):
            ax.plot(med["day"], med["dose"], linewidth=1.8, markersize=3, label=lvl, **style_for(i))
    ax.axhline(5.0, color="#404040", linestyle="--", linewidth=0.8)
    ax.set_xlabel("Study day (Day 1 = infusion)")
    ax.set_ylabel("Prednisone equivalent (mg/day)")
    ax.set_ylim(bottom=0)
    if len(levels) > 1:
        ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, stem)


def plot_phenotype(adcp: pd.DataFrame, *, levels: list[str], stem) -> None:
    """Median by visit and arm: CD4/CD8 ratio (left), memory subsets (middle) and exhaustion markers (right)."""
    from cartrial.adam.adcp import PARAMETERS

    if not len(adcp):
        return placeholder(stem, "No CAR-T cell phenotype results (no CP domain in the input).")
    panels = [("CD4/CD8 RATIO", "CD4/CD8 ratio", "CD4/CD8 ratio"), ("MEMORY SUBSET", "% of CAR+ T cells",
                                                                     "Memory subsets"),
              ("EXHAUSTION MARKER", "% of CAR+ T cells", "Exhaustion markers")]
    names = {code: label.split(" (")[0] for code, label, _ in PARAMETERS.values()}
    visits = adcp.groupby("AVISIT")["AVISITN"].first().sort_values()
    pos = {v: i for i, v in enumerate(visits.index)}
    from matplotlib.lines import Line2D

    fig, axes = new_figure(7.4, 4.2, ncols=3, squeeze=False)
    markers = ["o", "s", "^", "D", "v"]
    for ax, (cat, ylabel, title) in zip(axes.flat, panels):
        sub = adcp[adcp["PARCAT1"] == cat]
        codes = list(dict.fromkeys(sub["PARAMCD"]))
        for k, code in enumerate(codes):
            for i, lvl in enumerate(levels):
                g = sub[(sub["PARAMCD"] == code) & (sub["ARM"] == lvl)].groupby("AVISIT")["AVAL"].agg(["median", "size"])
                g = g[g["size"] >= 3]
                if not len(g):
                    continue
                x = np.array([pos[v] for v in g.index])
                order = np.argsort(x)
                style = style_for(i)
                ax.plot(x[order], g["median"].to_numpy()[order], color=style["color"], linestyle=style["linestyle"],
                        marker=markers[k % len(markers)], markersize=3, linewidth=1)
        ax.set_xticks(range(len(pos)), [v.title() for v in pos], rotation=45, ha="right", fontsize=6)
        ax.set_title(title, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=7)
        handles = [Line2D([], [], color="black", linestyle="none", marker=markers[k % len(markers)], markersize=3,
                          label=names.get(code, code)) for k, code in enumerate(codes)]
        if cat == "CD4/CD8 RATIO" and len(levels) > 1:
            handles = [Line2D([], [], color=style_for(i)["color"], linestyle=style_for(i)["linestyle"], label=lvl)
                       for i, lvl in enumerate(levels)]
        if len(handles) > 1:
            ax.legend(handles=handles, frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    fig.tight_layout()
    save_figure(fig, stem)


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def steroid_taper(ctx, *, stem) -> None:
    plot_steroid_taper(ctx.adam("adqs", params=["PREDEQ"]), levels=_levels(ctx), stem=stem,
                       max_subjects=ctx.shared["report"]["max_subjects_per_figure"])


def phenotype(ctx, *, stem) -> None:
    plot_phenotype(ctx.adam("adcp"), levels=_levels(ctx), stem=stem)
