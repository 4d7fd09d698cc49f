#!/bin/sh
# Notify script (notify in vrrp_instance mape): posts every state change to a chat webhook.
#   notify-webhook.sh WEBHOOK_URL OTHER_ROUTER  INSTANCE|GROUP NAME STATE PRIORITY
# The last four arguments are appended by vrrpd (as keepalived does).
# In FAULT this gateway's own uplink is what failed, so the post goes through the other router:
# a host route to the webhook's address via OTHER_ROUTER for the duration of the post.
set -u
url=$1 other_router=$2 kind=$3 name=$4 state=$5 priority=$6

host=$(printf '%s\n' "$url" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
text="$(hostname): VRRP $kind $name is now $state (priority $priority)"
payload=$(printf '{"text":"%s"}' "$text")

if [ "$state" = FAULT ]; then
    address=$(getent ahostsv4 "$host" | awk 'NR == 1 { print $1 }')
    [ -n "$address" ] || { echo "cannot resolve $host" >&2; exit 1; }
    ip route replace "$address/32" via "$other_router"
    trap 'ip route del "$address/32" via "$other_router" 2>/dev/null' EXIT
    curl --silent --max-time 10 --resolve "$host:443:$address" \
        -H 'Content-Type: application/json' -d "$payload" "$url"
else
    curl --silent --max-time 10 -H 'Content-Type: application/json' -d "$payload" "$url"
fi
