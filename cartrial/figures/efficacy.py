"""Figures 14.2: response rates over time, SLEDAI trajectories, waterfall, renal markers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.ard import ALL
from cartrial.figures.common import HATCHES, new_figure, placeholder, save_figure, style_for, individual_lines
from cartrial.tables.efficacy import PARAM_LABELS, QS_LABELS


def _month(visit: pd.Series) -> pd.Series:
    return visit.str.extract(r"(\d+)$")[0].astype(float).where(visit != "BASELINE", 0.0)


def plot_response_over_time(ard: pd.DataFrame, *, params: list[str], stem) -> None:
    """Response rate (%) with 95% Clopper-Pearson CI bars per visit, one panel per parameter, a line per arm."""
    params = [p for p in params if p in set(ard["variable"])]
    if not params:
        return placeholder(stem, "No responder endpoint could be derived from the available data.")
    wide = ard.pivot_table(index=["group_level", "variable", "variable_level"], columns="stat_name",
                           values="stat_value").reset_index()
    wide["month"] = _month(wide["variable_level"])
    levels = [lvl for lvl in dict.fromkeys(ard["group_level"]) if lvl != ALL]
    if len(levels) > 1:
        levels.append(ALL)
    ncol = min(2, len(params))
    nrow = int(np.ceil(len(params) / ncol))
    fig, axes = new_figure(7.0, 2.4 * nrow, nrows=nrow, ncols=ncol, squeeze=False, sharey=True)
    offsets = np.linspace(-0.15, 0.15, len(levels)) if len(levels) > 1 else [0.0]
    for ax, param in zip(axes.flat, params):
        for i, lvl in enumerate(levels):
            d = wide[(wide["variable"] == param) & (wide["group_level"] == lvl)].sort_values("month")
            st = style_for(i)
            ax.errorbar(d["month"] + offsets[i], 100 * d["p"],
                        yerr=[100 * (d["p"] - d["ci_lower"]), 100 * (d["ci_upper"] - d["p"])], capsize=2,
                        label="Total" if lvl == ALL else lvl, markersize=4, linewidth=1, elinewidth=0.7, **st)
        ax.set_title(PARAM_LABELS.get(param, param), fontsize=9)
        ax.set_ylim(-2, 102)
        ax.set_xlabel("Months since infusion")
        ax.set_xticks(sorted(wide.loc[wide["variable"] == param, "month"].unique()))
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    for ax in axes[:, 0]:
        ax.set_ylabel("Responders (%)")
    for ax in list(axes.flat)[len(params):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, fontsize=7)
    save_figure(fig, stem)


def _analysed(adqs: pd.DataFrame, adsl: pd.DataFrame, param: str) -> pd.DataFrame:
    eff = set(adsl.loc[adsl["EFFFL"] == "Y", "USUBJID"])
    d = adqs[(adqs["PARAMCD"] == param) & (adqs["ANL01FL"] == "Y") & adqs["USUBJID"].isin(eff)
             & adqs["AVISIT"].notna()].copy()
    d["month"] = _month(d["AVISIT"])
    return d


def plot_trajectories(adqs: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], param: str, stem,
                      max_subjects: int = 100) -> None:
    """Individual trajectories (thin grey) with the median per visit (thick black), a panel per arm."""
    d = _analysed(adqs, adsl, param)
    if not len(d):
        return placeholder(stem, f"No {QS_LABELS.get(param, param)} assessments.")
    fig, axes = new_figure(7.0, 3.0, ncols=len(levels), squeeze=False, sharey=True)
    for ax, lvl in zip(axes.flat, levels):
        sub = d[d["ARM"] == lvl]
        individual_lines(ax, sub, x="month", y="AVAL", max_subjects=max_subjects, color="#b0b0b0", linewidth=0.6)
        med = sub.groupby("month")["AVAL"].median()
        ax.plot(med.index, med.values, color="black", linewidth=2, marker="o", markersize=3, label="Median")
        ax.set_title(f"{lvl} (n={sub['USUBJID'].nunique()})", fontsize=9)
        ax.set_xlabel("Months since infusion")
        ax.set_xticks(sorted(d["month"].unique()))
    axes.flat[0].set_ylabel(QS_LABELS.get(param, param))
    axes.flat[0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, stem)


def plot_waterfall(adqs: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], param: str, visit: str,
                   stem, max_subjects: int = 100) -> None:
    """Change from baseline per subject at ``visit``, sorted, bars hatched by arm."""
    d = _analysed(adqs, adsl, param)
    d = d[(d["AVISIT"] == visit) & d["CHG"].notna()].sort_values(["CHG", "USUBJID"], ascending=[False, True])
    if not len(d):
        return placeholder(stem, f"No {QS_LABELS.get(param, param)} change from baseline at {visit.title()}.")
    fig, ax = new_figure(7.0, 3.0)
    x = np.arange(len(d))
    dense = len(d) > max_subjects  # bars too thin for outlines and hatching: solid shades instead
    for i, lvl in enumerate(levels):
        m = (d["ARM"] == lvl).to_numpy()
        if dense:  # one line collection per arm, not one bar object per subject
            ax.vlines(x[m], 0, d["CHG"].to_numpy()[m], colors=("#404040", "#a0a0a0", "#d0d0d0")[i % 3],
                      linewidth=max(0.2, min(2.0, 300 / len(d))), label=lvl, rasterized=True)
        else:
            ax.bar(x[m], d["CHG"].to_numpy()[m], color="white" if i else "#404040", edgecolor="black",
                   linewidth=0.5, hatch=HATCHES[i % len(HATCHES)], label=lvl)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks([])
    ax.set_xlabel(f"Subjects (n={len(d)}), sorted by change")
    ax.set_ylabel(f"Change in {QS_LABELS.get(param, param)}")
    ax.set_title(f"{QS_LABELS.get(param, param)}: change from baseline at {visit.title()}", fontsize=9)
    if len(levels) > 1:
        legend = ax.legend(frameon=False, fontsize=7)
        for handle in legend.legend_handles if dense else []:
            handle.set_linewidth(4)  # the lines of a dense plot are hairlines: show the shade in the key
    fig.tight_layout()
    save_figure(fig, stem)


def plot_median_iqr(adqs: pd.DataFrame, adsl: pd.DataFrame, *, levels: list[str], params: list[str], stem) -> None:
    """Median with interquartile range by visit, a panel per parameter, a line per arm."""
    wanted, params = params, [p for p in params if (adqs["PARAMCD"] == p).any()]
    if not params:
        return placeholder(stem, f"No {' or '.join(wanted)} results.")
    fig, axes = new_figure(7.0, 3.0, ncols=len(params), squeeze=False)
    offsets = np.linspace(-0.15, 0.15, len(levels)) if len(levels) > 1 else [0.0]
    for ax, param in zip(axes.flat, params):
        d = _analysed(adqs, adsl, param)
        for i, lvl in enumerate(levels):
            g = d[d["ARM"] == lvl].groupby("month")["AVAL"]
            q = g.quantile([0.25, 0.5, 0.75]).unstack()
            if not len(q):
                continue
            ax.errorbar(q.index + offsets[i], q[0.5], yerr=[q[0.5] - q[0.25], q[0.75] - q[0.5]], capsize=2,
                        label=lvl, markersize=4, linewidth=1, elinewidth=0.7, **style_for(i))
        ax.set_title(QS_LABELS.get(param, param), fontsize=9)
        ax.set_xlabel("Months since infusion")
        ax.set_xticks(sorted(d["month"].unique()))
    axes.flat[0].set_ylabel("Median (IQR)")
    axes.flat[0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    save_figure(fig, stem)


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def _levels(ctx) -> list[str]:
    from cartrial.summaries.efficacy import arm_levels

    return arm_levels(ctx.adam("adsl"), arm_order=list(ctx.settings["arm_order"]), population="EFFFL")


def response_over_time(ctx, *, stem) -> None:
    """The primary endpoint and the configured ``report.figure_endpoints.response_over_time``."""
    chosen = ctx.shared["report"]["figure_endpoints"]["response_over_time"]
    params = list(dict.fromkeys([ctx.primary["paramcd"], *chosen]))
    plot_response_over_time(ctx.ard("response_rates"), params=params, stem=stem)


def sledai_trajectories(ctx, *, stem) -> None:
    plot_trajectories(ctx.adam("adqs", params=["SLEDAI"]), ctx.adam("adsl"), levels=_levels(ctx), param="SLEDAI",
                      stem=stem, max_subjects=ctx.shared["report"]["max_subjects_per_figure"])


def sledai_waterfall(ctx, *, stem) -> None:
    plot_waterfall(ctx.adam("adqs", params=["SLEDAI"]), ctx.adam("adsl"), levels=_levels(ctx), param="SLEDAI",
                   visit=ctx.primary["visits"][0], stem=stem,
                   max_subjects=ctx.shared["report"]["max_subjects_per_figure"])


def median_iqr(ctx, *, stem) -> None:
    """The configured ``report.figure_endpoints.median_iqr`` parameters of ADQS."""
    params = list(ctx.shared["report"]["figure_endpoints"]["median_iqr"])
    plot_median_iqr(ctx.adam("adqs", params=params), ctx.adam("adsl"), levels=_levels(ctx), params=params, stem=stem)
