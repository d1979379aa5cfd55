#!/usr/bin/env bash
# End-to-end test of `dcem repro --slurm` on a real single-node Slurm.
#
#   tests/slurm.sh [DCEM]        (DCEM: the dcem binary, default bin/dcem)
#
# Brings up munged, slurmctld and slurmd by hand (no systemd) with a
# generated slurm.conf on 127.0.0.1 and free ports, all state in a temporary
# directory, then:
#   1. runs a quick cartpole grid (4 points) locally, and through --slurm on
#      2 CPUs, and checks that --collect of the Slurm sweep writes the same
#      result.json, figures and decoders, byte for byte;
#   2. submits the grid with --no-wait, cancels a running array task
#      (scancel), checks that --collect lists it as CANCELLED with its log, and that
#      --resume --slurm submits only that point and completes the sweep;
#   3. stops a world-model run (planet, quick) in the middle and checks that
#      --resume --slurm continues it from the checkpoint in its work directory;
# and stops the daemons by PID. Needs root (munged runs as user munge) and
# the Debian packages slurmctld slurmd slurm-client munge
# (scripts/install-deps.sh). Prints the wall times; exits 1 on a failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
DCEM="${1:-${DCEM:-$here/../bin/dcem}}"
DCEM="$(cd "$(dirname "$DCEM")" && pwd)/$(basename "$DCEM")"
[ -x "$DCEM" ] || { echo "tests/slurm.sh: no dcem binary at $DCEM (make build)" >&2; exit 2; }
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$c" >/dev/null || { echo "tests/slurm.sh: $c is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "tests/slurm.sh: needs root (slurmd and munged)" >&2; exit 1; }

# The quick grid: latent dimension 2, τ ∈ {1, 0}, 2 seeds, 20 updates.
GRID=(--quick --seeds 2 --updates 100)

tmp="$(mktemp -d /tmp/dcem-slurm.XXXXXX)"
chmod 755 "$tmp"
pids=()
stop() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -s "$tmp/munge/key/munged.pid" ]; then kill "$(cat "$tmp/munge/key/munged.pid" 2>/dev/null)" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ $rc -ne 0 ]; then
    echo "--- slurmctld log (tail)"; tail -n 20 "$tmp/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd log (tail)"; tail -n 20 "$tmp/slurmd.log" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit $rc
}
trap stop EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munged, as user munge, with its own key, socket and files.
# Its socket's directory must be searchable by all, its key's private.
mkdir -p "$tmp/munge/key"
key="$tmp/munge/key/munge.key"
mungekey --create --keyfile="$key" >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
chown -R munge:munge "$tmp/munge"
chmod 755 "$tmp/munge"
chmod 700 "$tmp/munge/key"
chmod 600 "$key"
sock="$tmp/munge/munge.socket"
runuser -u munge -- munged --foreground --socket="$sock" --key-file="$key" \
  --pid-file="$tmp/munge/key/munged.pid" --log-file="$tmp/munge/key/munged.log" --seed-file="$tmp/munge/key/munged.seed" >"$tmp/munged.out" 2>&1 &
pids+=($!)

ctlport="$(freeport)"
dport="$(freeport)"
while [ "$dport" = "$ctlport" ]; do dport="$(freeport)"; done
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=dcemtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctlport
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SchedulerParameters=sched_interval=1
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"

t0=$(date +%s.%N)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "munged did not start"
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N localhost >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
up=""
for _ in $(seq 100); do
  state="$(sinfo --noheader --format=%T 2>/dev/null || true)"
  case "$state" in idle) up=1; break ;; esac
  sleep 0.1
done
[ -n "$up" ] || fail "the Slurm node is not idle after 10 s (state: ${state:-none})"
echo "slurm up in $(elapsed "$t0") s (slurmctld port $ctlport, slurmd port $dport, 2 CPUs)"

# 1. Local run and Slurm run of the same grid.
t=$(date +%s.%N)
"$DCEM" repro cartpole "${GRID[@]}" --out "$tmp/local" >"$tmp/local.log" 2>&1 || { cat "$tmp/local.log"; fail "local run"; }
local_s=$(elapsed "$t")
t=$(date +%s.%N)
"$DCEM" repro cartpole "${GRID[@]}" --slurm --cpus 1 --poll 500ms --out "$tmp/slurm" >"$tmp/slurm.log" 2>&1 ||
  { cat "$tmp/slurm.log"; fail "--slurm run"; }
slurm_s=$(elapsed "$t")
grep -q "submitted Slurm job array" "$tmp/slurm.log" || fail "--slurm did not submit a job array"
"$DCEM" repro cartpole --collect "$tmp/slurm" >"$tmp/collect.log" 2>&1 || { cat "$tmp/collect.log"; fail "--collect"; }
grep -q '"slurm_task"' "$tmp/slurm/timing.json" || fail "the Slurm sweep's runs do not name their array tasks"
compare() { # compare DIR_A DIR_B: every result, figure and decoder file
  local n=0 f
  for f in $(cd "$1" && ls result.json *.svg *.png decoder-*.json); do
    cmp -s "$1/$f" "$2/$f" || fail "$f differs between $1 and $2"
    n=$((n + 1))
  done
  [ "$n" -ge 10 ] || fail "only $n files to compare in $1"
  echo "$n files identical: $(basename "$1") and $(basename "$2")"
}
compare "$tmp/local" "$tmp/slurm"

# 2. A cancelled task, then --resume. A point runs for a second or two,
# so the cancel can land after the task has finished; then the array
# completes and the scenario is tried again (at most three times).
for attempt in 1 2 3; do
  rm -rf "$tmp/cancel"
  "$DCEM" repro cartpole "${GRID[@]}" --slurm --no-wait --cpus 1 --out "$tmp/cancel" >"$tmp/submit.log" 2>&1 ||
    { cat "$tmp/submit.log"; fail "--slurm --no-wait"; }
  job="$(sed -n 's/^submitted job array \([0-9]*\);.*/\1/p' "$tmp/submit.log")"
  [ -n "$job" ] || { cat "$tmp/submit.log"; fail "no job ID printed by --no-wait"; }
  # Cancel the first task seen running (Slurm keeps a record of a running
  # task it cancels; a pending one would just leave the array).
  idx=""
  for _ in $(seq 400); do
    idx="$(squeue --noheader --array --jobs="$job" --states=RUNNING --format=%K 2>/dev/null | head -n 1 | tr -d ' ')"
    [ -n "$idx" ] && break
    sleep 0.05
  done
  [ -n "$idx" ] || fail "no task of job $job was seen running"
  scancel "${job}_$idx"
  for _ in $(seq 300); do [ -z "$(squeue --noheader --jobs="$job" 2>/dev/null)" ] && break; sleep 0.2; done
  [ -z "$(squeue --noheader --jobs="$job" 2>/dev/null)" ] || fail "job $job still queued after 60 s"
  set +e
  "$DCEM" repro cartpole --collect "$tmp/cancel" >"$tmp/collect2.log" 2>&1
  rc=$?
  set -e
  if [ $rc -eq 0 ] && [ -e "$tmp/cancel/runs/000$idx.json" ]; then
    echo "attempt $attempt: task $idx finished before the cancel reached it; again"
    continue
  fi
  break
done
[ $rc -eq 1 ] || { cat "$tmp/collect2.log"; fail "--collect with a cancelled task exited $rc, want 1"; }
grep -q "point $idx (dim2-tau[01]-seed[01]): CANCELLED.*log $tmp/cancel/logs/slurm-${job}_$idx.out" "$tmp/collect2.log" ||
  { cat "$tmp/collect2.log"; scontrol --oneliner show job "$job"; fail "--collect does not list the cancelled task $idx with its state and log"; }
echo "cancelled task $idx: $(grep "point $idx" "$tmp/collect2.log" | sed 's/^ *//')"
[ ! -e "$tmp/cancel/runs/000$idx.json" ] || fail "the cancelled point has a result"
[ ! -e "$tmp/cancel/result.json" ] || fail "--collect wrote result.json with a point missing"
"$DCEM" repro cartpole --resume --slurm --cpus 1 --poll 500ms --out "$tmp/cancel" >"$tmp/resume.log" 2>&1 ||
  { cat "$tmp/resume.log"; fail "--resume --slurm"; }
grep -q "submitted Slurm job array [0-9]*: 1 tasks ($idx)" "$tmp/resume.log" ||
  { cat "$tmp/resume.log"; fail "--resume did not submit only point $idx"; }
compare "$tmp/local" "$tmp/cancel"

# 3. A world-model run stopped in the middle (scancel sends SIGTERM, as a
# task's time limit does) resumes from the checkpoint in its work directory
# when the point is submitted again with --resume.
t=$(date +%s.%N)
PGRID=(--quick --task cheetah.run --episodes 40)
"$DCEM" repro planet "${PGRID[@]}" --slurm --no-wait --out "$tmp/planet" >"$tmp/psubmit.log" 2>&1 ||
  { cat "$tmp/psubmit.log"; fail "planet --slurm --no-wait"; }
pjob="$(sed -n 's/^submitted job array \([0-9]*\);.*/\1/p' "$tmp/psubmit.log")"
[ -n "$pjob" ] || { cat "$tmp/psubmit.log"; fail "no job ID printed for the planet grid"; }
# Wait until the run has checkpointed a few planned episodes, then stop it.
for _ in $(seq 600); do
  n="$(grep -o '"kind": *"train"' "$tmp/planet/work/0000/result.json" 2>/dev/null | wc -l || true)"
  "$DCEM" repro planet --report --out "$tmp/planet" >/dev/null 2>&1 || true
  [ "${n:-0}" -ge 3 ] && break
  sleep 0.2
done
[ "${n:-0}" -ge 3 ] || { cat "$tmp/planet/logs/"*.out 2>/dev/null | tail -5; fail "the planet run did not checkpoint 3 episodes in 2 minutes"; }
scancel "$pjob"
for _ in $(seq 300); do [ -z "$(squeue --noheader --jobs="$pjob" 2>/dev/null)" ] && break; sleep 0.2; done
[ ! -e "$tmp/planet/runs/0000.json" ] || fail "the stopped planet run has a result (it finished before the cancel: make it longer)"
"$DCEM" repro planet --resume --slurm --poll 500ms --out "$tmp/planet" >"$tmp/presume.log" 2>&1 ||
  { cat "$tmp/presume.log"; cat "$tmp/planet/logs/"*.out | tail -20; fail "planet --resume --slurm"; }
grep -q '"resumes": [1-9]' "$tmp/planet/work/0000/result.json" || fail "the planet run started again instead of resuming"
grep -q "resuming from" "$tmp/planet/logs/"*.out || fail "the resumed task's log does not say it resumed"
echo "planet run stopped after $n planned episodes and resumed through Slurm ($(elapsed "$t") s)"

echo "cartpole grid of 4 runs ($(echo "${GRID[*]}")): local $local_s s, through Slurm $slurm_s s (submit, wait, collect)"
echo "slurm test passed"
