#!/usr/bin/env bash
# Stop the single-node SLURM cluster of tests/slurm/start.sh: slurmd, slurmctld, and munged when start.sh
# started it. With --clean, also remove its state folder ($NQPF_SLURM_DIR, default /tmp/nqpf-slurm) and the
# configuration start.sh wrote ($SLURM_CONF, default /etc/slurm/slurm.conf).
set -euo pipefail

DIR="${NQPF_SLURM_DIR:-/tmp/nqpf-slurm}"
CONF="${SLURM_CONF:-/etc/slurm/slurm.conf}"
MARKER="# A single-node SLURM cluster for nqpf's SLURM tests"

# stop PIDFILE NAME: end the daemon whose id the file holds and wait until it is gone.
stop() {
    local pidfile="$1" name="$2" pid
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2> /dev/null; then
        kill "$pid"
        for _ in $(seq 30); do
            kill -0 "$pid" 2> /dev/null || break
            sleep 1
        done
        kill -0 "$pid" 2> /dev/null && kill -KILL "$pid"
        echo "stopped $name ($pid)"
    fi
    rm -f "$pidfile"
}

stop "$DIR/slurmd.pid" slurmd
stop "$DIR/slurmctld.pid" slurmctld
if [ -f "$DIR/munged.started" ]; then
    stop /run/munge/munged.pid munged
    rm -f "$DIR/munged.started"
fi

if [ "${1:-}" = --clean ]; then
    rm -rf "$DIR"
    if [ -f "$CONF" ] && head -n 1 "$CONF" | grep -qF "$MARKER"; then
        rm -f "$CONF"
    fi
    echo "removed $DIR and $CONF"
fi
