"""Figures 14.2.5-14.2.6: Kaplan-Meier curves with a number-at-risk table, and a swimmer plot."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cartrial.dates import MONTH_DAYS

from cartrial.figures.common import RASTER_ABOVE, new_figure, placeholder, save_figure, style_for, too_many_subjects
from cartrial.stats.km import compute_km

def plot_km_panels(adtte: pd.DataFrame, *, levels: list[str], params: list[str], labels: dict[str, str],
                   stem) -> None:
    """One KM panel per parameter (at most 4), a curve per arm, with a number-at-risk table under each."""
    params = [p for p in params if (adtte["PARAMCD"] == p).any()][:4]
    if not params:
        return placeholder(stem, "No time-to-event endpoint could be derived from the available data.")
    ncol = min(2, len(params))
    nrow = int(np.ceil(len(params) / ncol))
    fig, axes = new_figure(7.2, 3.3 * nrow, nrows=nrow, ncols=ncol, squeeze=False)
    for ax, param in zip(axes.flat, params):
        d = adtte[adtte["PARAMCD"] == param]
        tmax = d["AVAL"].max() / MONTH_DAYS
        ticks = np.arange(0, np.ceil(tmax / 3) * 3 + 0.1, 3 if tmax <= 24 else 6)
        risk_rows = []
        for i, lvl in enumerate(levels):
            sub = d[d["ARM"] == lvl]
            if not len(sub):
                continue
            table = compute_km(sub["AVAL"], 1 - sub["CNSR"])
            t = np.concatenate([[0.0], table["time"].to_numpy() / MONTH_DAYS])
            s = np.concatenate([[1.0], table["surv"].to_numpy()])
            lo = np.concatenate([[1.0], table["lower"].fillna(table["surv"]).to_numpy()])
            hi = np.concatenate([[1.0], table["upper"].fillna(table["surv"]).to_numpy()])
            st = style_for(i)
            ax.step(t, s, where="post", color=st["color"], linestyle=st["linestyle"], linewidth=1.2, label=lvl)
            ax.fill_between(t, lo, hi, step="post", color=st["color"], alpha=0.12, linewidth=0)
            cens = sub[sub["CNSR"] == 1]["AVAL"].to_numpy() / MONTH_DAYS
            idx = np.searchsorted(t, cens, side="right") - 1
            ax.plot(cens, s[np.clip(idx, 0, len(s) - 1)], "|", color=st["color"], markersize=5,
                    rasterized=len(cens) > RASTER_ABOVE)
            risk_rows.append([int((sub["AVAL"] / MONTH_DAYS >= tick).sum()) for tick in ticks])
        ax.set_xticks(ticks)
        ax.set_xlim(-0.3, ticks[-1] + 0.3)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(labels.get(param, param), fontsize=9)
        ax.set_ylabel("Probability")
        ax.set_xlabel("Months since infusion (durations: since the start of response)", fontsize=6.5, labelpad=2)
        for r, counts in enumerate(risk_rows):
            for tick, c in zip(ticks, counts):
                ax.annotate(str(c), (tick, 0), xycoords=("data", "axes fraction"), xytext=(0, -36 - 8 * r),
                            textcoords="offset points", ha="center", fontsize=6)
        ax.annotate("At risk", (0, 0), xycoords="axes fraction", xytext=(-28, -36), textcoords="offset points",
                    ha="right", fontsize=6)
    for ax in list(axes.flat)[len(params):]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.06, 1, 1), h_pad=4.5)
    fig.legend(handles, [f"{n} (risk row {i + 1})" for i, n in enumerate(names)], loc="lower center",
               ncol=max(1, len(names)), frameon=False, fontsize=7)
    save_figure(fig, stem)


def _segments(visits: pd.DataFrame) -> list[tuple[float, float]]:
    """Consecutive 'Y' visits (sorted by day) as (start, end) month segments."""
    segs, start, prev = [], None, None
    for day, flag in zip(visits["ADY"], visits["AVALC"]):
        if flag == "Y" and start is None:
            start = day
        if flag != "Y" and start is not None:
            segs.append((start, day))
            start = None
        prev = day
    if start is not None:
        segs.append((start, prev))
    return [(a / MONTH_DAYS, b / MONTH_DAYS) for a, b in segs]


#: the states a swimmer bar shows, from ADRS: low disease activity (hatched) and remission (dark)
SWIMMER_STATES = {"LLDAS": {"color": "white", "hatch": "////"}, "DORIS": {"color": "#303030"}}


def plot_swimmer(adsl: pd.DataFrame, adrs: pd.DataFrame, rescue: pd.Series, flares: pd.Series, *, stem,
                 max_subjects: int = 100) -> None:
    """One bar per infused subject from infusion to last contact, sorted by follow-up."""
    subj = adsl[adsl["SAFFL"] == "Y"].copy()
    if not len(subj):
        return placeholder(stem, "No infused subject.")
    if reason := too_many_subjects(len(subj), max_subjects, "The swimmer plot"):
        return placeholder(stem, reason)
    end = subj["DTHDT"].fillna(subj["LSTALVDT"])
    subj["FU"] = ((end - subj["TRTSDT"]).dt.days + 1) / MONTH_DAYS
    subj = subj.sort_values(["FU", "USUBJID"], ascending=[True, True]).reset_index(drop=True)
    fig, ax = new_figure(7.0, min(9.5, 1.2 + 0.16 * len(subj)))
    obs = adrs[(adrs["DTYPE"].fillna("") == "") & adrs["ADY"].notna()].sort_values("ADY", kind="stable")
    for y, r in subj.iterrows():
        ax.barh(y, r["FU"], color="#e6e6e6", edgecolor="black", linewidth=0.3, height=0.7)
        for param, style in SWIMMER_STATES.items():
            v = obs[(obs["USUBJID"] == r["USUBJID"]) & (obs["PARAMCD"] == param)]
            for a, b in _segments(v):
                ax.barh(y, max(b - a, 0.15), left=a, height=0.45, edgecolor="black", linewidth=0.3, **style)
        for dates, marker in ((flares, "^"), (rescue, "s")):
            if r["USUBJID"] in dates.index:
                ax.plot(((dates[r["USUBJID"]] - r["TRTSDT"]).days + 1) / MONTH_DAYS, y, marker, color="black",
                        markersize=4, markerfacecolor="white")
        if pd.notna(r["DTHDT"]):
            ax.plot(r["FU"], y, "x", color="black", markersize=5)
        elif r["EOSSTT"] == "ONGOING":
            ax.annotate("", xy=(r["FU"] + 0.8, y), xytext=(r["FU"], y),
                        arrowprops={"arrowstyle": "->", "linewidth": 0.7})
    ax.set_yticks(range(len(subj)))
    ax.set_yticklabels(subj["USUBJID"], fontsize=5.5)
    ax.set_xlabel("Months since infusion")
    ax.set_xlim(0, subj["FU"].max() + 1.5)
    fig.tight_layout()
    save_figure(fig, stem)


# Builders of the catalogue's outputs (cartrial/catalogue.yaml; called by cartrial/produce.py)


def km_curves(ctx, *, stem) -> None:
    """The configured ``report.figure_endpoints.km_curves`` of ADTTE, on the efficacy set."""
    from cartrial.summaries.efficacy import arm_levels

    adsl, adtte = ctx.adam("adsl"), ctx.adam("adtte")
    adtte = adtte[adtte["USUBJID"].isin(adsl.loc[adsl["EFFFL"] == "Y", "USUBJID"])]
    labels = {s["paramcd"]: s.get("param", s["paramcd"]) for s in ctx.shared["time_to_event"]}
    plot_km_panels(adtte, levels=arm_levels(adsl, arm_order=list(ctx.settings["arm_order"]), population="EFFFL"),
                   params=list(ctx.shared["report"]["figure_endpoints"]["km_curves"]), labels=labels, stem=stem)


def swimmer(ctx, *, stem) -> None:
    adsl, adtte = ctx.adam("adsl"), ctx.adam("adtte")
    adrs = ctx.adam("adrs", params=list(SWIMMER_STATES))
    flare = adtte[(adtte["PARAMCD"] == "TTFLARE") & (adtte["CNSR"] == 0)].set_index("USUBJID")["ADT"]
    plot_swimmer(adsl, adrs, adsl.set_index("USUBJID")["RESCDT"].dropna(), flare, stem=stem,
                 max_subjects=ctx.shared["report"]["max_subjects_per_figure"])
