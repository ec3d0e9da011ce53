#!/usr/bin/env bash
# Stand-in for debian:bookworm-slim where no image registry is reachable: a debootstrap minbase
# root file system of Debian 12, slimmed the way the official image is, imported as
# debian:bookworm-slim. Every other stand-in (deploy/compose/offline/*.Dockerfile) starts FROM it.
#
# Usage: debian-base.sh WORK_DIR [TAG]   (root; needs debootstrap and a running docker daemon)
#
# From the host it takes what a container on this machine needs to reach the package mirrors:
# the apt sources (debian.sources or sources.list), apt settings that let a dated snapshot mirror
# through (Check-Valid-Until), and the extra CA certificates in /usr/local/share/ca-certificates
# (an intercepting TLS proxy's CA, without which `dotnet restore` in a build fails with UntrustedRoot;
# any image that installs ca-certificates picks them up).
set -euo pipefail

work="${1:?usage: debian-base.sh WORK_DIR [TAG]}"
tag="${2:-debian:bookworm-slim}"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
rootfs="$work/rootfs"

mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
[[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

rm -rf "$rootfs"
mkdir -p "$work"
echo "debian-base: debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# apt sources: the host's (same release), else the standard three suites.
rm -f "$rootfs/etc/apt/sources.list"
if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
else
    security="${mirror%/debian}/debian-security"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" "$security" > "$rootfs/etc/apt/sources.list.d/debian.sources"
fi
# Host apt settings a dated snapshot mirror needs (validity and date checks off).
for f in /etc/apt/apt.conf.d/*; do
    if [[ -f "$f" ]] && grep -q 'Check-Valid-Until\|Check-Date' "$f"; then cp "$f" "$rootfs/etc/apt/apt.conf.d/"; fi
done
# What the official slim image configures: no caches or translations kept, no recommends
# pulled in by surprise, unsafe-io dpkg, no documentation, no services started by packages.
cp "$here/debian-base/apt.conf" "$rootfs/etc/apt/apt.conf.d/docker-slim"
cp "$here/debian-base/dpkg.cfg" "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
mkdir -p "$rootfs/usr/local/share/ca-certificates"
for crt in /usr/local/share/ca-certificates/*.crt; do
    [[ -f "$crt" ]] && cp "$crt" "$rootfs/usr/local/share/ca-certificates/"
done

# Slim: documentation, manuals, locales, caches, logs, the machine's identity.
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/usr/share/locale/* "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* \
       "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/*
mkdir -p "$rootfs/var/lib/apt/lists/partial" "$rootfs/var/cache/apt/archives/partial"
: > "$rootfs/etc/resolv.conf"
: > "$rootfs/etc/hostname"
: > "$rootfs/etc/machine-id"

echo "debian-base: importing as $tag"
tar --numeric-owner -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["bash"]' - "$tag" > /dev/null
rm -rf "$rootfs"
