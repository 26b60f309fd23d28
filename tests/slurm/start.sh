#!/usr/bin/env bash
# Start a single-node SLURM cluster on this machine for the SLURM tests (pytest -m slurm): munged, slurmctld and
# slurmd run as root, without systemd, with their state in $NQPF_SLURM_DIR (default /tmp/nqpf-slurm). The node
# gets this machine's CPUs and its memory minus some headroom. Safe to run again: a running cluster is left as
# it is, a stopped one is started, a changed configuration restarts it.
#
# Needs the Debian packages slurm-wlm and munge (apt-get install slurm-wlm munge). The configuration is written
# to $SLURM_CONF (default /etc/slurm/slurm.conf, where sinfo, sbatch and squeue look); a configuration this
# script did not write is never overwritten. tests/slurm/stop.sh stops the cluster.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${NQPF_SLURM_DIR:-/tmp/nqpf-slurm}"
CONF="${SLURM_CONF:-/etc/slurm/slurm.conf}"
export SLURM_CONF="$CONF"
MARKER="# A single-node SLURM cluster for nqpf's SLURM tests"
MUNGE_KEY=/etc/munge/munge.key

fail() {
    echo "tests/slurm/start.sh: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root: the SLURM and munge daemons are started directly, without systemd"
export PATH="$PATH:/usr/sbin"  # the daemons, for a user whose PATH lacks it
for command in munged mungekey slurmctld slurmd sinfo scontrol; do
    command -v "$command" > /dev/null || fail "$command is missing; install it with: apt-get install slurm-wlm munge"
done

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND once a second until it succeeds.
wait_for() {
    local seconds="$1" what="$2"
    shift 2
    for _ in $(seq "$seconds"); do
        "$@" > /dev/null 2>&1 && return 0
        sleep 1
    done
    fail "$what did not come up within ${seconds}s; see the logs in $DIR/log"
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }

# The configuration, filled in from this machine.
host="$(hostname -s)"
cpus="$(nproc)"
memory_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
headroom_mb=$((memory_mb / 10 > 1024 ? memory_mb / 10 : 1024)) # the system, the daemons, Snakemake itself
memory_mb=$((memory_mb - headroom_mb))
rendered="$(sed -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY@|$memory_mb|g" -e "s|@DIR@|$DIR|g" \
    "$HERE/slurm.conf.in")"

if [ -e "$CONF" ] && ! head -n 1 "$CONF" | grep -qF "$MARKER"; then
    fail "$CONF exists and was not written by this script (a real cluster's configuration?); set SLURM_CONF to another path to use a test cluster beside it"
fi
changed=no
if [ ! -e "$CONF" ] || [ "$rendered" != "$(cat "$CONF")" ]; then
    changed=yes
fi

ctld_pid="$DIR/slurmctld.pid"
slurmd_pid="$DIR/slurmd.pid"
if [ "$changed" = yes ] && { running "$ctld_pid" || running "$slurmd_pid"; }; then
    echo "tests/slurm/start.sh: the configuration changed; restarting the cluster"
    "$HERE/stop.sh"
fi
mkdir -p "$(dirname "$CONF")" "$DIR/state" "$DIR/spool" "$DIR/log"
if [ "$changed" = yes ]; then
    printf '%s\n' "$rendered" > "$CONF"
fi

# munge authenticates every SLURM message; its key is made once (the Debian package usually makes it).
munge_works() { munge -n | unmunge; }
if ! munge_works > /dev/null 2>&1; then
    if [ ! -s "$MUNGE_KEY" ]; then
        mkdir -p "$(dirname "$MUNGE_KEY")"
        mungekey --create --keyfile "$MUNGE_KEY"
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 400 "$MUNGE_KEY"
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- munged
    mkdir -p "$DIR"
    touch "$DIR/munged.started" # stop.sh stops munged only when this script started it
    wait_for 30 munged munge_works
fi

controller_up() { scontrol ping | grep -q UP; }
if ! running "$ctld_pid"; then
    slurmctld -f "$CONF"
fi
wait_for 60 slurmctld controller_up
if ! running "$slurmd_pid"; then
    slurmd -f "$CONF"
fi

# The node is usable once it reports idle (or busy with jobs); a node left down or drained by an earlier run
# is resumed.
node_state() { sinfo --noheader --nodes "$host" --format %t 2> /dev/null | tr -d '*~#'; }
for _ in $(seq 60); do
    case "$(node_state)" in
        idle | mix | alloc) break ;;
        down | drain | drng) scontrol update nodename="$host" state=resume 2> /dev/null || true ;;
    esac
    sleep 1
done
case "$(node_state)" in
    idle | mix | alloc) ;;
    *) fail "node $host is '$(node_state)', not idle; see $DIR/log/slurmd.log and $DIR/log/slurmctld.log" ;;
esac

echo "SLURM is up: node $host, $cpus CPUs, ${memory_mb} MB, partition main (configuration $CONF, state $DIR)"
if [ "$CONF" != /etc/slurm/slurm.conf ]; then
    echo "SLURM commands need: export SLURM_CONF=$CONF"
fi
