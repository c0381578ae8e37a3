# cartrial: SDTM-like CAR-T lupus trial tables -> ADaM -> ARD -> tables -> PDF report.
configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/adam.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/oc.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        all_reports(),
    default_target: True
