#!/bin/sh
# Track script (vrrp_script chk_mape_egress): succeeds when traffic sent through the MAP-E
# tunnel reaches the Internet from the expected public IPv4 address.
#   check-mape-egress.sh EXPECTED_IPV4 [TUNNEL_INTERFACE]
# vrrpd kills it after the configured timeout, so curl's own limit is only a backstop.
set -u
expected=$1
interface=${2:-}
echo_url=${ECHO_URL:-https://api.ipify.org}

actual=$(curl -4 --silent --fail --max-time 4 ${interface:+--interface "$interface"} "$echo_url") || exit 1
[ "$actual" = "$expected" ] || { echo "egress address is '$actual', expected $expected" >&2; exit 1; }
