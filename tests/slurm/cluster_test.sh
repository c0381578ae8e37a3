#!/usr/bin/env bash
# A real one-node SLURM cluster on localhost (Debian's slurmctld, slurmd and munge): run the demo study
# with `--executor slurm` (snakemake-executor-plugin-slurm) and with the local executor, and check that
# every ADaM, ARD, table and operating-characteristics file is byte-identical. Needs root (apt-get, daemons). Run from the project root:
#     bash tests/slurm/cluster_test.sh
# Environment: PYTHON (default .venv/bin/python), KEEP=1 to leave the cluster running.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d)"
HOSTNAME_SHORT="$(hostname -s)"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

# the executor plugin is not part of requirements.txt (it queries the controller at every Snakemake start)
"$PYTHON" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements-slurm.txt"

cleanup() {
  if [ "${KEEP:-0}" != "1" ]; then
    scancel --user root >/dev/null 2>&1 || true
    pkill -x slurmd >/dev/null 2>&1 || true
    pkill -x slurmctld >/dev/null 2>&1 || true
    pkill -x munged >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- munge (authentication between the daemons)
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  head -c 1024 /dev/urandom > /etc/munge/munge.key
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged --force

# --- slurm.conf: one node with this machine's cores, jobs tracked long enough for squeue status checks
CPUS="$(nproc)"
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=cartrial
SlurmctldHost=${HOSTNAME_SHORT}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=3600
ReturnToService=2
NodeName=${HOSTNAME_SHORT} CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=local Nodes=${HOSTNAME_SHORT} Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do
  if sinfo -h -o "%T" 2>/dev/null | grep -qE "idle|mixed|allocated"; then break; fi
  sleep 1
done
sinfo
scontrol update nodename="${HOSTNAME_SHORT}" state=resume >/dev/null 2>&1 || true

# --- two workspaces built like the end-to-end tests' (tests/test_workflow.py: project files, demo study,
# its config), plus the profiles: one run local, one through SLURM
for side in local slurm; do
  mkdir -p "$WORK/$side"
  ( cd "$ROOT" && "$PYTHON" -c 'import sys; from pathlib import Path; from tests.test_workflow import _workspace
_workspace(Path(sys.argv[1]))' "$WORK/$side" )
  cp -r "$ROOT/profiles" "$WORK/$side/"
done
export PATH="$(dirname "$PYTHON"):$PATH"
export SOURCE_DATE_EPOCH=1732924800
# what is compared below: every job up to the tables and the ADaM exports, and the simulations (the figures
# and the report add nothing to the comparison, only minutes)
TARGETS="results/cht101-sle/interim/tables/t14_1_1_disposition.json results/cht101-sle/interim/adam/adsl.xpt
results/cht101-sle/interim/adam/adsl.json results/cht101-sle/oc/operating_characteristics.csv"
( cd "$WORK/local" && "$PYTHON" -m snakemake $TARGETS --workflow-profile profiles/local --cores 2 -q )
( cd "$WORK/slurm" && "$PYTHON" -m snakemake $TARGETS --workflow-profile profiles/slurm --slurm-no-account \
    --slurm-status-command squeue --slurm-init-seconds-before-status-checks 1 --seconds-between-status-checks 2 \
    --jobs 4 -q )

# --- the SLURM run really ran on SLURM, and gave the same bytes
njobs="$(squeue -h -t all -o %i | wc -l)"
echo "SLURM jobs seen by the controller: $njobs"
[ "$njobs" -ge 7 ]  # read, oc, ingest, adam, ards, export, tables_interim
fail=0
count=0
for f in $(cd "$WORK/local/results" && find . -path '*/adam/*' -o -path '*/ard/*' -o -path '*/tables/*' -o -path '*/oc/*.csv' | sort); do
  [ -f "$WORK/local/results/$f" ] || continue
  count=$((count + 1))
  if ! cmp -s "$WORK/local/results/$f" "$WORK/slurm/results/$f"; then
    echo "differs: $f"; fail=1
  fi
done
echo "compared $count ADaM, ARD, table and operating-characteristics files"
[ "$count" -ge 30 ]
[ "$fail" -eq 0 ]
echo "SLURM run identical to the local run"
