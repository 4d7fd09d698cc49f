#!/usr/bin/env bash
# Builds the Debian package artifacts/vrrpd_VERSION_ARCH.deb from this checkout (VERSION from
# Directory.Build.props), with dpkg-deb alone (no debhelper):
#   /usr/sbin/vrrpd                                  the NativeAOT binary (dotnet publish src/vrrpd)
#   /lib/systemd/system/vrrpd.service                contrib/vrrpd.service (not enabled or started
#                                                    on install; see contrib/deb/postinst)
#   /etc/vrrpd/vrrpd.conf                            contrib/vrrpd.conf, a conffile
#   /usr/share/man/man8/vrrpd.8.gz, man5/vrrpd.conf.5.gz   docs/man
#   /usr/share/bash-completion/completions/vrrpd     contrib/bash-completion/vrrpd
#   /usr/share/doc/vrrpd/{README.md.gz,copyright,changelog.gz}   copyright from LICENSE (DEP-5)
#
# usage: scripts/package.sh [--binary PATH] [--output DIR]
#   --binary PATH   package this vrrpd instead of publishing one (scripts/test.sh publishes
#                   artifacts/bin/vrrpd first; the package test passes it when it is current)
#   --output DIR    where the .deb goes (default artifacts)
# Maintainer: $DEBFULLNAME <$DEBEMAIL> when set (the Debian convention), else the placeholder below.
#
# lintian (bookworm's 2.116, `lintian -EvIL +pedantic`) reports no error, warning, info or
# pedantic tag but three, overridden in contrib/deb/lintian-overrides (shipped as
# /usr/share/lintian/overrides/vrrpd) and explained there:
#   I package-supports-alternative-init-but-no-init.d-script: systemd only; vrrpd runs in the
#     foreground, so any other supervisor starts it as it is.
#   I hardening-no-fortify-functions: the prebuilt .NET runtime NativeAOT links is compiled
#     without _FORTIFY_SOURCE; vrrpd's own code is C#.
#   I typo-in-manual-page iif: ip rule's iif keyword in vrrpd.conf(5), not a misspelled "if".
# Choices lintian does not flag: the unit's path is /lib/systemd/system (bookworm's lintian
# flags /usr/lib/systemd/system); Depends names util-linux (>= 2.33), an essential package,
# for setpriv --pdeathsig.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
output=artifacts
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=${2:?--binary needs a path}; shift 2 ;;
        --binary=*) binary=${1#*=}; shift ;;
        --output) output=${2:?--output needs a directory}; shift 2 ;;
        --output=*) output=${1#*=}; shift ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "package.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

for tool in dpkg-deb gzip objdump objcopy md5sum; do
    command -v "$tool" >/dev/null || { echo "package.sh: needs $tool (apt-get install dpkg binutils gzip)" >&2; exit 1; }
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
[ -n "$version" ] || { echo "package.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
arch=$(dpkg --print-architecture)
maintainer="${DEBFULLNAME:-vrrpd contributors} <${DEBEMAIL:-vrrpd@users.noreply.github.com}>"
# Reproducible: file times and the changelog date are the last commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

if [ -z "$binary" ]; then
    echo "publishing the NativeAOT binary (dotnet publish src/vrrpd -c Release -o artifacts/bin)"
    dotnet publish src/vrrpd -c Release -o artifacts/bin --nologo -v quiet </dev/null
    binary=artifacts/bin/vrrpd
fi
[ -x "$binary" ] || { echo "package.sh: $binary is not an executable" >&2; exit 1; }

mkdir -p "$output"
stage=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
doc=$root/usr/share/doc/vrrpd

install -D -m 0755 "$binary" "$root/usr/sbin/vrrpd"
# As dh_strip: the linker's .comment (compiler versions) is not needed at run time.
objcopy --remove-section=.comment --remove-section=.note "$root/usr/sbin/vrrpd"
install -D -m 0644 contrib/vrrpd.service "$root/lib/systemd/system/vrrpd.service"
install -D -m 0644 contrib/vrrpd.conf "$root/etc/vrrpd/vrrpd.conf"
install -D -m 0644 contrib/bash-completion/vrrpd "$root/usr/share/bash-completion/completions/vrrpd"
install -D -m 0644 contrib/deb/lintian-overrides "$root/usr/share/lintian/overrides/vrrpd"
for page in docs/man/vrrpd.8 docs/man/vrrpd.conf.5; do
    section=${page##*.}
    mkdir -p "$root/usr/share/man/man$section"
    sed "s/@VERSION@/$version/g" "$page" | gzip -9n >"$root/usr/share/man/man$section/$(basename "$page").gz"
done
mkdir -p "$doc"
gzip -9n <README.md >"$doc/README.md.gz"

# Debian's machine-readable copyright format (DEP-5); the license text is LICENSE's.
{
    cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vrrpd
Upstream-Contact: $maintainer
Source: https://github.com/vrrpd/vrrpd

Files: *
Copyright: $(sed -n 's/^Copyright (c) //p' LICENSE | head -n 1)
License: Expat

License: Expat
EOF
    # The text after the copyright line, each line indented, blank lines as " .".
    sed -n '/^Permission/,$p' LICENSE | sed 's/^$/./; s/^/ /'
} >"$doc/copyright"

# A native package's changelog: this version, from the last commit.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo "vrrpd ($version) unstable; urgency=medium"
    echo
    echo "  * vrrpd $version, built from commit $commit."
    echo
    echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

# Depends: the glibc versions the binary's symbols need (what dpkg-shlibdeps finds from
# libc6's symbols file: NativeAOT links libc and libm only), and setpriv --pdeathsig.
glibc=$(objdump -T "$root/usr/sbin/vrrpd" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
depends="libc6 (>= $glibc), util-linux (>= 2.33)"

mkdir -p "$root/DEBIAN"
install -m 0755 contrib/deb/postinst contrib/deb/prerm contrib/deb/postrm "$root/DEBIAN/"
echo /etc/vrrpd/vrrpd.conf >"$root/DEBIAN/conffiles"
# As dh_md5sums: every file but the conffiles, which dpkg tracks on its own.
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
cat >"$root/DEBIAN/control" <<EOF
Package: vrrpd
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: nftables
Suggests: iproute2
Section: net
Priority: optional
Homepage: https://github.com/vrrpd/vrrpd
Description: VRRP router that runs keepalived.conf
 vrrpd is a Virtual Router Redundancy Protocol daemon for Linux: VRRPv2
 (RFC 3768) and VRRPv3 (RFC 5798), IPv4 and IPv6, multicast and unicast.
 It reads the VRRP part of keepalived.conf unchanged and interoperates with
 keepalived, FRR and other VRRP routers; one native binary, a few MB of
 memory, no allocation in steady state.
 .
 The package installs the daemon, a systemd unit (not enabled: write
 /etc/vrrpd/vrrpd.conf, then systemctl enable --now vrrpd), the manual
 pages vrrpd(8) and vrrpd.conf(5) and bash completion. nftables is needed
 for no_accept.
EOF

find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
deb="$output/vrrpd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
