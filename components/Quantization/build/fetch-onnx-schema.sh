#!/usr/bin/env bash
# Puts the ONNX protobuf schema (onnx.proto) at $1, taken from a pinned Debian package at build time, so that the
# third-party schema text is never committed. Debian's libonnx-dev ships it as /usr/include/onnx/onnx.proto.
set -euo pipefail
dest=$(realpath -m "$1")
package=libonnx-dev
version=1.12.0-2+b4
# The schema this project's code was written against; another text is refused rather than compiled.
schema_sha256=a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182

here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt's download user must be able to write here when this runs as root
cd "$work"
bash "$here/apt-download.sh" "$package=$version"
dpkg-deb --fsys-tarfile ./"${package}"_*.deb | tar -x ./usr/include/onnx/onnx.proto
actual=$(sha256sum usr/include/onnx/onnx.proto | cut -d' ' -f1)
if [ "$actual" != "$schema_sha256" ]; then
  echo "error: onnx.proto from $package=$version has sha256 $actual, expected $schema_sha256" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
cp usr/include/onnx/onnx.proto "$dest.tmp" && mv "$dest.tmp" "$dest"
