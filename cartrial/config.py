"""Configuration as frozen dataclasses, and the checks a JSON schema cannot make.

The library never opens a configuration file: the workflow validates
``config.yaml`` against ``workflow/schemas/config.schema.yaml`` and passes
plain values (or these dataclasses) to the library.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StudySettings:
    study: str
    data: str
    sledai_version: str
    title: str = ""
    product: str = ""
    arm_order: tuple[str, ...] = ()
    age_breaks: tuple[float, ...] = (18,)


def dates_to_text(obj):
    """YAML reads an unquoted ``2024-11-30`` as a date: turn such values back into ISO text."""
    if isinstance(obj, dict):
        return {k: dates_to_text(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [dates_to_text(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()[:10]
    return obj


def check_config(config: dict, *, root: str | Path = ".") -> list[str]:
    """Problems a schema cannot see: missing data folders and impossible dates."""
    problems = []
    from cartrial.sdtm.checksettings import problems as check_problems

    for study, settings in config.get("studies", {}).items():
        problems += [f"studies.{study}.{p}" for p in check_problems(settings.get("data_checks"))]
        folder = Path(root) / settings["data"]
        if not folder.is_dir():
            problems.append(f"studies.{study}.data: folder {settings['data']!r} does not exist")
        for analysis, spec in settings.get("analyses", {}).items():
            try:
                dt.date.fromisoformat(str(spec["cut"]))
            except ValueError:
                problems.append(f"studies.{study}.analyses.{analysis}.cut: {spec['cut']!r} is not a calendar date")
    return problems


def study_settings(config: dict, study: str) -> StudySettings:
    s = config["studies"][study]
    return StudySettings(study=study, data=s["data"], sledai_version=s["sledai_version"], title=s.get("title", ""),
                         product=s.get("product", ""), arm_order=tuple(s.get("arm_order", ())),
                         age_breaks=tuple(s.get("age_breaks", (18,))))


def default_scenarios(*, threshold: float, p0: float) -> list[dict]:
    """Null, target and toxic scenarios around the study's own thresholds."""
    good = min(p0 + 0.30, 0.95)
    safe = round(threshold / 2, 4)
    return [
        {"name": "No efficacy, acceptable toxicity", "p_response": p0, "p_toxicity": safe},
        {"name": "Target efficacy, acceptable toxicity", "p_response": good, "p_toxicity": safe},
        {"name": "Target efficacy, toxicity at the limit", "p_response": good, "p_toxicity": threshold},
        {"name": "Target efficacy, unacceptable toxicity", "p_response": good,
         "p_toxicity": min(threshold + 0.15, 0.95)},
    ]


#: the top-level sections of config.yaml that apply to every study
SHARED_SECTIONS = ("report", "endpoints", "km", "kinetics", "time_to_event")


def effective_config(config: dict, study: str) -> dict:
    """The complete configuration of one study as the run used it: the study's own section and every shared
    section, with the schema's defaults already filled in and the data checks' built-in tables
    (limits, ratios, actions) written out."""
    import copy

    from cartrial.sdtm.checksettings import DataChecks

    settings = copy.deepcopy(dict(config["studies"][study]))
    settings["data_checks"] = DataChecks.from_config(settings.get("data_checks")).effective()
    settings["studyid"] = settings.get("studyid") or study
    out = {"studies": {study: settings}}
    for section in SHARED_SECTIONS:
        out[section] = copy.deepcopy(config.get(section))
    return dates_to_text(out)
