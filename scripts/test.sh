#!/usr/bin/env bash
# The whole test suite, as README.md gives it. Run as root on Debian with the .NET 10 SDK:
# installs the peers and tools the tests use when missing (keepalived, frr, nftables, lintian, ...), publishes the NativeAOT daemon the
# end-to-end tests run, runs every test project and prints one plain "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v keepalived >/dev/null || missing+=(keepalived)
[ -x /usr/lib/frr/zebra ] || missing+=(frr)
command -v tshark >/dev/null || missing+=(tshark)
command -v tcpdump >/dev/null || missing+=(tcpdump)
command -v ping >/dev/null || missing+=(iputils-ping)
[ -x /usr/sbin/nft ] || missing+=(nftables)
# The package test (tests/Packaging): build, check and install the .deb.
command -v dpkg-deb >/dev/null || missing+=(dpkg)
command -v lintian >/dev/null || missing+=(lintian)
command -v man >/dev/null || missing+=(man-db)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null \
        || { echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

results=artifacts/test-results
rm -rf "$results"
if ! dotnet publish src/vrrpd -c Release -o artifacts/bin --nologo -v quiet </dev/null; then
    echo "publish of artifacts/bin/vrrpd failed"; echo "0 passed, 1 failed"; exit 1
fi
status=0
for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    dotnet test "$project" -c Release --nologo --logger "trx;LogFileName=$name.trx" \
        --logger "console;verbosity=minimal" --results-directory "$results" </dev/null || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
# A test run that crashed or never started counts as a failure even without a failed test.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
