#!/usr/bin/env bash
# Puts the ONNX protobuf schema (onnx.proto) at $1, taken from a pinned Debian package at build time, so that the
# third-party schema text is never committed. Debian's libonnx-dev ships it as /usr/include/onnx/onnx.proto.
set -euo pipefail
dest=$(realpath -m "$1")
package=libonnx-dev
version=1.12.0-2+b4
# The schema this project's code was written against; another text is refused rather than compiled.
schema_sha256=a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt's download user must be able to write here when this runs as root
cd "$work"
if ! apt-get download -qq "$package=$version" >/dev/null 2>&1; then
  # A fresh machine has no package lists yet; root can fetch them, anyone else is told how.
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null
    apt-get download -qq "$package=$version" >/dev/null
  else
    echo "error: cannot download Debian package $package=$version for the ONNX schema; run 'sudo apt-get update' once and build again" >&2
    exit 1
  fi
fi
dpkg-deb --fsys-tarfile ./"${package}"_*.deb | tar -x ./usr/include/onnx/onnx.proto
actual=$(sha256sum usr/include/onnx/onnx.proto | cut -d' ' -f1)
if [ "$actual" != "$schema_sha256" ]; then
  echo "error: onnx.proto from $package=$version has sha256 $actual, expected $schema_sha256" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
cp usr/include/onnx/onnx.proto "$dest.tmp" && mv "$dest.tmp" "$dest"
