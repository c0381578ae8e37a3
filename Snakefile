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


# A failed run leaves nothing that looks current: the analyses with a failed job lose their
# deliverables and get errors.csv; the console ends with one line per analysis (cartrial/runstate.py).
onstart:
    from cartrial.runstate import start_run
    from cartrial.worker import start_server

    start_run(".")
    start_server(workflow)  # a warm process runs the small jobs of a local run (cartrial/worker.py)


onsuccess:
    from cartrial.runstate import finish_run
    from cartrial.schedule import cancel_pending_timers
    from cartrial.worker import stop_server

    stop_server()
    print(finish_run(STUDIES, log=log))
    cancel_pending_timers()  # the run ends now, not a timespan later (cartrial/schedule.py)


onerror:
    from cartrial.runstate import finish_run
    from cartrial.schedule import cancel_pending_timers
    from cartrial.worker import stop_server

    stop_server()
    print(finish_run(STUDIES, log=log))
    cancel_pending_timers()  # the run ends now, not a timespan later (cartrial/schedule.py)


# What the workflow has loaded lives as long as the run: Python's cycle collector stops scanning it (0.1 s
# less in every start), and the run ends without Python's collection of its objects (cartrial/worker.py).
import gc

from cartrial.worker import exit_without_collection

gc.freeze()
exit_without_collection()
