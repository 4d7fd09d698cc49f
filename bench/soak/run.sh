#!/usr/bin/env bash
# The soak in one command (as root):  bench/soak/run.sh [soak options]   e.g. --minutes 60
# Publishes vrrpd with NativeAOT to artifacts/bin (skipped with --vrrpd PATH), builds
# bench/soak and runs it; the tables go to standard output (and to --out FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $EUID -ne 0 ]]; then
    echo "run.sh: run as root (network namespaces, daemons)" >&2
    exit 2
fi
publish=1
for arg in "$@"; do
    case "$arg" in
        --vrrpd|--vrrpd=*|--help|-h) publish=0 ;;
    esac
done
if [[ $publish == 1 ]]; then
    dotnet publish src/vrrpd -c Release -o artifacts/bin --nologo -v quiet
fi
dotnet build bench/soak -c Release --nologo -v quiet
exec dotnet bench/soak/bin/Release/net10.0/soak.dll "$@"
