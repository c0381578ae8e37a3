"""Figures 14.4: kinetic profiles, geometric means over nominal time, Cmax by CRS grade, cytokine courses."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cartrial.figures.common import RASTER_ABOVE, new_figure, placeholder, save_figure, style_for, individual_lines

ASSAYS = {"CARTDNA": "CAR transgene (copies/ug gDNA)", "CARTCELL": "CAR+ T cells (cells/uL)"}
def _time_axis(ax, tmax: float) -> None:
    """Days on a symmetric-log axis (linear to Day 30) with plain tick labels."""
    ax.set_xscale("symlog", linthresh=30, linscale=1.5)
    ticks = [t for t in (0, 7, 14, 28, 90, 180, 365, 730) if t <= max(tmax, 28) * 1.05]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks], fontsize=6)
    ax.set_xlim(0, max(tmax, 28) * 1.08)


def plot_profiles(adpc: pd.DataFrame, *, levels: list[str], stem, max_subjects: int = 100) -> None:
    if not len(adpc):
        return placeholder(stem, "No cellular kinetics samples.")
    fig, axes = new_figure(7.0, 3.0, ncols=2, squeeze=False)
    for ax, (assay, label) in zip(axes.flat, ASSAYS.items()):
        d = adpc[(adpc["PARCAT1"] == assay) & (adpc["BLQFL"] != "Y") & (adpc["AVAL"] > 0)]
        for i, lvl in enumerate(levels):
            st = style_for(i)
            if individual_lines(ax, d[d["TRTA"] == lvl], x="AFRLT", y="AVAL", max_subjects=max_subjects,
                                color=st["color"], linestyle=st["linestyle"], linewidth=0.5, alpha=0.7):
                ax.plot([], [], color=st["color"], linestyle=st["linestyle"], linewidth=0.5, label=lvl)
        lloq = adpc.loc[adpc["PARCAT1"] == assay, "LLOQ"].dropna()
        if len(lloq):
            ax.axhline(lloq.iloc[0], color="black", linestyle="--", linewidth=0.7)
        _time_axis(ax, adpc["AFRLT"].max())
        ax.set_yscale("log")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("Days since infusion")
    axes.flat[0].legend(frameon=False, fontsize=6)
    fig.tight_layout()
    save_figure(fig, stem)


def plot_geomean(adpc: pd.DataFrame, *, levels: list[str], stem) -> None:
    d = adpc[(adpc["BLQFL"] != "Y") & (adpc["AVAL"] > 0) & adpc["NFRLT"].notna()]
    if not len(d):
        return placeholder(stem, "No quantifiable cellular kinetics samples.")
    fig, axes = new_figure(7.0, 3.0, ncols=2, squeeze=False)
    for ax, (assay, label) in zip(axes.flat, ASSAYS.items()):
        for i, lvl in enumerate(levels):
            sub = d[(d["PARCAT1"] == assay) & (d["TRTA"] == lvl)]
            g = sub.assign(L=np.log(sub["AVAL"])).groupby("NFRLT")["L"].agg(["mean", "std", "size"])
            g = g[g["size"] >= 3]
            if not len(g):
                continue
            half = stats.t.ppf(0.975, g["size"] - 1) * g["std"] / np.sqrt(g["size"])
            gm = np.exp(g["mean"])
            ax.errorbar(g.index, gm, yerr=[gm - np.exp(g["mean"] - half), np.exp(g["mean"] + half) - gm],
                        capsize=2, markersize=3, linewidth=1, elinewidth=0.6, label=lvl, **style_for(i))
        _time_axis(ax, d["NFRLT"].max())
        ax.set_yscale("log")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("Nominal days since infusion")
    axes.flat[0].set_ylabel("Geometric mean (95% CI)")
    axes.flat[0].legend(frameon=False, fontsize=6)
    fig.tight_layout()
    save_figure(fig, stem)


def plot_cmax_by_crs(adpp: pd.DataFrame, adae: pd.DataFrame, *, stem, assay: str = "CARTDNA") -> None:
    cmax = adpp[(adpp["PARCAT1"] == assay) & (adpp["PARAMCD"] == "CMAX")].dropna(subset=["AVAL"])
    if not len(cmax):
        return placeholder(stem, "No Cmax could be derived.")
    crs = adae[(adae["TRTEMFL"] == "Y") & (adae["SYNDROME"] == "CRS")].groupby("USUBJID")["ATOXGRN"].max()
    grade = cmax["USUBJID"].map(crs).fillna(0).clip(upper=3).astype(int)
    fig, ax = new_figure(4.5, 3.0)
    rng = np.random.default_rng(0)
    for g in sorted(grade.unique()):
        y = cmax.loc[grade == g, "AVAL"]
        ax.plot(g + rng.uniform(-0.12, 0.12, len(y)), y, "o", color="black", markersize=3, markerfacecolor="white",
                rasterized=len(y) > RASTER_ABOVE)
        ax.hlines(np.exp(np.log(y).mean()), g - 0.25, g + 0.25, color="black", linewidth=1.5)
    ax.set_xticks(range(0, 4))
    ax.set_xticklabels(["0", "1", "2", ">=3"])
    ax.set_xlabel("Maximum CRS grade")
    ax.set_ylabel(f"Cmax, {ASSAYS[assay]}")
    ax.set_yscale("log")
    fig.tight_layout()
    save_figure(fig, stem)


#: the markers of Figure 14.4.4 and their axis labels
CYTOKINE_MARKERS = {"IL6": "IL-6 (pg/mL)", "IFNG": "IFN-gamma (pg/mL)", "IL10": "IL-10 (pg/mL)", "CRP": "CRP (mg/L)",
                    "FERRITIN": "Ferritin (ug/L)"}


def plot_cytokines(adlb: pd.DataFrame, adsl: pd.DataFrame, adae: pd.DataFrame, *, stem) -> None:
    markers = CYTOKINE_MARKERS
    rec = adlb[adlb["PARAMCD"].isin(list(markers))]
    if not len(rec):
        return placeholder(stem, "No cytokine results.")
    d = rec[["USUBJID", "PARAMCD", "ADT", "AVAL", "ADY"]]
    d = d[d["ADY"].between(-7, 30)].copy()
    crs = adae[(adae["TRTEMFL"] == "Y") & (adae["SYNDROME"] == "CRS")].groupby("USUBJID")["ATOXGRN"].max()
    d["GRP"] = d["USUBJID"].map(crs).fillna(0).clip(upper=2).astype(int)
    fig, axes = new_figure(7.2, 4.2, nrows=2, ncols=3, squeeze=False)
    for ax, (code, label) in zip(axes.flat, markers.items()):
        for g in range(3):
            s = d[(d["PARAMCD"] == code) & (d["GRP"] == g)].groupby("ADY")["AVAL"].agg(["median", "size"])
            s = s[s["size"] >= 3]
            if len(s):
                ax.plot(s.index, s["median"], marker="o", markersize=2.5, linewidth=1,
                        label=f"CRS grade {'>= 2' if g == 2 else g}", **{k: v for k, v in style_for(g).items()
                                                                         if k != "marker"})
        ax.set_title(label, fontsize=8)
        ax.set_xlabel("Study day", fontsize=7)
    axes.flat[-1].axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    axes.flat[-1].legend(handles, names, frameon=False, fontsize=7, loc="center")
    fig.tight_layout()
    save_figure(fig, stem)


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def _levels(ctx) -> list[str]:
    from cartrial.summaries.efficacy import arm_levels

    return arm_levels(ctx.adam("adsl"), arm_order=list(ctx.settings["arm_order"]))


def profiles(ctx, *, stem) -> None:
    plot_profiles(ctx.adam("adpc"), levels=_levels(ctx), stem=stem,
                  max_subjects=ctx.shared["report"]["max_subjects_per_figure"])


def geomean(ctx, *, stem) -> None:
    plot_geomean(ctx.adam("adpc"), levels=_levels(ctx), stem=stem)


def cmax_by_crs(ctx, *, stem) -> None:
    plot_cmax_by_crs(ctx.adam("adpp"), ctx.adam("adae"), stem=stem)


def cytokines(ctx, *, stem) -> None:
    adlb = ctx.adam("adlb", params=list(CYTOKINE_MARKERS))
    plot_cytokines(adlb, ctx.adam("adsl"), ctx.adam("adae"), stem=stem)
