"""Figures 14.3: CRS/ICANS timeline, neutrophil and platelet counts over the first 90 days."""
from __future__ import annotations

import pandas as pd
from matplotlib.ticker import NullFormatter, ScalarFormatter

from cartrial.figures.common import HATCHES, new_figure, placeholder, save_figure, individual_lines, too_many_subjects

def plot_syndrome_timeline(adae: pd.DataFrame, *, stem, syndromes=("CRS", "ICANS"), max_day: int = 30,
                           max_subjects: int = 100) -> None:
    ev = adae[(adae["TRTEMFL"] == "Y") & adae["SYNDROME"].isin(syndromes)].copy()
    if not len(ev):
        return placeholder(stem, "No CRS or ICANS events.")
    subjects = sorted(ev["USUBJID"].unique())
    if reason := too_many_subjects(len(subjects), max_subjects, "The per-subject CRS/ICANS timeline"):
        return placeholder(stem, reason)
    height = min(9.0, 1.0 + 0.18 * len(subjects))
    fig, ax = new_figure(7.0, height)
    ypos = {s: i for i, s in enumerate(subjects)}
    for k, syn in enumerate(syndromes):
        sub = ev[ev["SYNDROME"] == syn]
        for r in sub.itertuples(index=False):
            start = r.ASTDY
            ongoing = pd.isna(r.AENDY)
            end = min(r.AENDY, max_day) if not ongoing else max_day
            y = ypos[r.USUBJID] + (0.2 if k else -0.2)
            ax.barh(y, end - start + 1, left=start - 0.5, height=0.35, color="white" if k else "#505050",
                    edgecolor="black", linewidth=0.5, hatch=HATCHES[k], label=syn)
            ax.text(end + 0.8, y, f"G{int(r.ATOXGRN)}" + (" \u2192" if ongoing else ""), va="center", fontsize=6)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), frameon=False, fontsize=7, loc="lower right")
    ax.set_yticks(range(len(subjects)))
    ax.set_yticklabels(subjects, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlim(0, max_day + 3)
    ax.set_xlabel("Study day (Day 1 = infusion)")
    fig.tight_layout()
    save_figure(fig, stem)


def plot_counts(adlb: pd.DataFrame, *, stem, max_day: int = 90, max_subjects: int = 100) -> None:
    d = adlb[adlb["PARAMCD"].isin(["NEUT", "PLAT"]) & adlb["ADY"].between(-30, max_day)]
    if not len(d):
        return placeholder(stem, "No neutrophil or platelet counts.")
    fig, axes = new_figure(7.0, 3.0, ncols=2, squeeze=False)
    spec = {"NEUT": ("Neutrophils (x10^9/L)", (1.0, 0.5)), "PLAT": ("Platelets (x10^9/L)", (50.0, 25.0))}
    for ax, (code, (label, cuts)) in zip(axes.flat, spec.items()):
        sub = d[d["PARAMCD"] == code]
        individual_lines(ax, sub, x="ADY", y="AVAL", max_subjects=max_subjects, color="#b0b0b0", linewidth=0.5)
        med = sub.groupby("ADY")["AVAL"].median()
        med = med[sub.groupby("ADY")["AVAL"].size() >= 3]
        ax.plot(med.index, med.values, color="black", linewidth=1.8, label="Median")
        for cut, style in zip(cuts, (":", "--")):
            ax.axhline(cut, color="black", linestyle=style, linewidth=0.7)
            ax.text(max_day, cut, f" G{3 if style == ':' else 4}", va="bottom", ha="right", fontsize=6)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("Study day")
    axes.flat[0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, stem)


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def syndrome_timeline(ctx, *, stem) -> None:
    plot_syndrome_timeline(ctx.adam("adae"), stem=stem, max_subjects=ctx.shared["report"]["max_subjects_per_figure"])


def counts(ctx, *, stem) -> None:
    plot_counts(ctx.adam("adlb", params=["NEUT", "PLAT"]), stem=stem,
                max_subjects=ctx.shared["report"]["max_subjects_per_figure"])
