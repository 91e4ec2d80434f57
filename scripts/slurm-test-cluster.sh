#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm sweep test
# (tests/sweep_slurm.rs) and for trying `sk-tui sweep --slurm` by hand.
#
#   scripts/slurm-test-cluster.sh install   # apt-get install slurm-wlm munge (Debian)
#   scripts/slurm-test-cluster.sh start     # munge key, slurm.conf, munged, slurmctld, slurmd
#   scripts/slurm-test-cluster.sh stop      # stops only the daemons `start` started
#
# Needs root. `start` writes /etc/slurm/slurm.conf (the node is this machine,
# with the CPUs and memory `slurmd -C` reports), creates a munge key if there
# is none, starts the three daemons as root and waits until `sinfo` shows the
# node idle. It records the pids of what it started in $STATE_DIR, so `stop`
# ends those and nothing else.
set -euo pipefail

STATE_DIR=${SK_SLURM_STATE_DIR:-/run/sk-tui-slurm}
CONF=/etc/slurm/slurm.conf
LOG_DIR=/var/log/slurm
SPOOL=/var/spool/slurm

die() { echo "slurm-test-cluster: $*" >&2; exit 1; }

install_packages() {
  if command -v sbatch >/dev/null && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || die "slurm-wlm and munge are missing and there is no apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
}

# Whether process $1 runs (exists and is not a zombie waiting to be reaped).
running() { [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# Whether the pid recorded in $STATE_DIR/$1.pid runs.
alive() { [[ -s $STATE_DIR/$1.pid ]] && running "$(cat "$STATE_DIR/$1.pid")"; }

# Pids of the running processes named $1.
live_pids() {
  local pid
  for pid in $(pgrep -x "$1"); do
    if running "$pid"; then echo "$pid"; fi
  done
}

start_munge() {
  if [[ -n $(live_pids munged) ]]; then
    echo "munged already running; using it"
    return
  fi
  install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
  install -d -o munge -g munge -m 0755 /run/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    [[ -S /run/munge/munge.socket.2 ]] && break
    sleep 0.1
  done
  live_pids munged | head -n1 >"$STATE_DIR/munged.pid"
  munge -n | unmunge >/dev/null || die "munge does not work (see /var/log/munge/munged.log)"
}

write_conf() {
  local host node
  host=$(hostname -s)
  # `slurmd -C` prints this machine as a NodeName line: CPUs, sockets, cores, memory.
  node=$(slurmd -C | head -n1)
  [[ $node == NodeName=* ]] || die "slurmd -C printed no node line: $node"
  install -d -m 0755 /etc/slurm "$LOG_DIR" "$SPOOL/ctld" "$SPOOL/d"
  cat >"$CONF" <<CONF
# Written by scripts/slurm-test-cluster.sh: a one-node test cluster.
ClusterName=sktui
SlurmctldHost=$host
AuthType=auth/munge
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldPidFile=$STATE_DIR/slurmctld.pidfile
SlurmdPidFile=$STATE_DIR/slurmd.pidfile
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
  [[ $(id -u) == 0 ]] || die "start needs root"
  install_packages
  mkdir -p "$STATE_DIR"
  if alive slurmctld && alive slurmd; then
    echo "test cluster already running"
    return
  fi
  start_munge
  write_conf
  # -c: clear saved state (no jobs from an earlier cluster); daemons fork, their pid files say where they went.
  slurmctld -c
  slurmd
  for _ in $(seq 50); do
    [[ -s $STATE_DIR/slurmctld.pidfile && -s $STATE_DIR/slurmd.pidfile ]] && break
    sleep 0.1
  done
  cp "$STATE_DIR/slurmctld.pidfile" "$STATE_DIR/slurmctld.pid"
  cp "$STATE_DIR/slurmd.pidfile" "$STATE_DIR/slurmd.pid"
  local host state
  host=$(hostname -s)
  for _ in $(seq 120); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    if [[ $state == idle* ]]; then
      echo "slurm test cluster up: node $host idle ($(sinfo -h -o '%c CPUs, %m MB' -n "$host"))"
      return
    fi
    # A node that registered as down (e.g. after an unclean stop) is resumed.
    if [[ $state == down* || $state == drain* ]]; then
      scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
    fi
    sleep 0.5
  done
  die "node $host is not idle after 60 s (state: ${state:-none}); see $LOG_DIR/*.log"
}

stop() {
  local name pid
  for name in slurmd slurmctld munged; do
    if alive "$name"; then
      pid=$(cat "$STATE_DIR/$name.pid")
      kill "$pid"
      for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
      if running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
      echo "stopped $name ($pid)"
    fi
    rm -f "$STATE_DIR/$name.pid"
  done
}

case ${1:-} in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 install|start|stop" ;;
esac
