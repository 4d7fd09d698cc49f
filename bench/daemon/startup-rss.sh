#!/usr/bin/env bash
# vrrpd startup and memory, measured in network namespaces this script makes (root):
#  - startup: from the exec of `ip netns exec r1 vrrpd` to its first advertisement on the wire,
#    as tcpdump in the peer namespace r2 timestamps it (state MASTER: the router enters Master at
#    once, keepalived's vrrp_init_state, and advertises); RUNS runs, min / median / max; and for
#    comparison the cost of entering the namespace and of a whole `vrrpd -t` run;
#  - resident memory (VmRSS, and the peak VmHWM) of a Master with N VRRPv3 instances on one
#    interface, 3 s after start, for N in 1 50 255.
# Prints the date, the machine and its load average with the figures (bench/README.md rows).
# usage: bench/daemon/startup-rss.sh [BINARY] [RUNS]   (default artifacts/bin/vrrpd, 20 runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-artifacts/bin/vrrpd}")
RUNS=${2:-20}
P=vsr$$-
DIR=$(mktemp -d)
capture_pid=
cleanup() {
    pkill -KILL -F "$DIR/pid" 2>/dev/null || true
    [ -z "$capture_pid" ] || kill "$capture_pid" 2>/dev/null || true
    for ns in r1 r2 lan; do ip netns del "$P$ns" 2>/dev/null || true; done
    rm -rf "$DIR"
}
trap cleanup EXIT

ip netns add ${P}lan
ip -n ${P}lan link add br0 type bridge mcast_snooping 0 forward_delay 0
ip -n ${P}lan link set br0 up
for i in 1 2; do
    ip netns add ${P}r$i
    ip -n ${P}r$i link set lo up
    ip -n ${P}r$i link add eth0 type veth peer name p$i netns ${P}lan
    ip -n ${P}lan link set p$i master br0
    ip -n ${P}lan link set p$i up
    ip -n ${P}r$i addr add 10.77.0.$i/16 dev eth0
    ip -n ${P}r$i link set eth0 up
done

config() { # N instances, VRIDs 1..N, one /32 VIP each
    for ((v = 1; v <= $1; v++)); do
        cat <<CONF
vrrp_instance vi$v {
    state MASTER
    interface eth0
    virtual_router_id $v
    priority 245
    version 3
    advert_int ${2:-1}
    virtual_ipaddress {
        10.77.$((100 + v / 256)).$((v % 256))/32
    }
}
CONF
    done
}

# ip netns exec execs vrrpd: $! is the daemon.
run_daemon() { ip netns exec ${P}r1 "$BIN" -f "$DIR/vrrpd.conf" --control-socket "$DIR/vrrpd.sock" --pid-file "$DIR/pid" 2>>"$DIR/log" & daemon_pid=$!; }
stop_daemon() { kill -TERM "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; }

# One capture for the whole run, started well before the first daemon: a tcpdump started per
# run sometimes missed the first frame after printing "listening" (seen on both ends), which
# read as a startup of one advert interval (1 s).
ip netns exec ${P}r2 tcpdump -i eth0 -l -tt -n --immediate-mode 'ip proto 112' >"$DIR/capture" 2>"$DIR/tcpdump" &
capture_pid=$!
until grep -q listening "$DIR/tcpdump" 2>/dev/null; do sleep 0.01; done
sleep 1

median() { sort -g | awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)]}'; }
summary() { sort -g | awk '{v[NR] = $1} END {printf "min %.1f ms, median %.1f ms, max %.1f ms", v[1], v[int((NR + 1) / 2)], v[NR]}'; }
now() { date +%s.%N; }

config 1 > "$DIR/vrrpd.conf"
: >"$DIR/startup"
for ((r = 0; r < RUNS; r++)); do
    t0=$(now)
    run_daemon
    t1=
    for ((w = 0; w < 500 && ${#t1} == 0; w++)); do
        t1=$(awk -v t0="$t0" '$1 > t0 && !/prio 0,/ {print $1; exit}' "$DIR/capture")
        [ -n "$t1" ] || sleep 0.01
    done
    [ -n "$t1" ] || { echo "no advertisement within 5 s; log:" >&2; cat "$DIR/log" >&2; exit 1; }
    echo "($t1 - $t0) * 1000" | bc -l >>"$DIR/startup"
    stop_daemon
    sleep 0.2
done

# What the startup is made of, with no network: entering the namespace, and the whole process
# (start, configuration read and checked, exit) of vrrpd -t.
: >"$DIR/netns"; : >"$DIR/check"
for ((r = 0; r < RUNS; r++)); do
    t0=$(now); ip netns exec ${P}r1 /bin/true; t1=$(now); echo "($t1 - $t0) * 1000" | bc -l >>"$DIR/netns"
    t0=$(now); "$BIN" -t -f "$DIR/vrrpd.conf" >/dev/null 2>&1; t1=$(now); echo "($t1 - $t0) * 1000" | bc -l >>"$DIR/check"
done

machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $machine; load average: $load; binary: $BIN"
echo "startup, exec of 'ip netns exec r1 vrrpd' to its first advertisement seen in r2, $RUNS runs: $(summary <"$DIR/startup")"
echo "  of which 'ip netns exec r1 /bin/true': median $(median <"$DIR/netns") ms; 'vrrpd -t' (start, parse, exit): median $(median <"$DIR/check") ms"

for n in 1 50 255; do
    config $n 0.1 > "$DIR/vrrpd.conf"
    run_daemon
    sleep 3
    pid=$daemon_pid
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
    masters=$("$BIN" status --json --control-socket "$DIR/vrrpd.sock" | grep -c '"state": "MASTER"')
    printf 'rss: %3d instances (%d MASTER, 100 ms adverts): VmRSS %.1f MB, VmHWM %.1f MB\n' "$n" "$masters" "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
    stop_daemon
    sleep 0.3
done
