#!/usr/bin/env bash
# The side-by-side bench in one command (as root):
#   bench/netlab/run.sh [netlab options]        e.g. bench/netlab/run.sh --quick
# Publishes vrrpd with NativeAOT to artifacts/bin (skipped with --vrrpd PATH or
# --daemons keepalived), builds bench/netlab, runs it; it prints the table and appends it to
# bench/README.md. `bench/netlab/run.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $EUID -ne 0 ]]; then
    echo "run.sh: run as root (network namespaces, daemons, captures)" >&2
    exit 2
fi
publish=1
for arg in "$@"; do
    case "$arg" in
        --vrrpd|--vrrpd=*|keepalived) publish=0 ;;
        --help|-h) publish=0 ;;
    esac
done
if [[ $publish == 1 ]]; then
    dotnet publish src/vrrpd -c Release -o artifacts/bin --nologo -v quiet
fi
dotnet build bench/netlab -c Release --nologo -v quiet
NETLAB_COMMAND="bench/netlab/run.sh${*:+ $*}" exec dotnet bench/netlab/bin/Release/net10.0/netlab.dll "$@"
