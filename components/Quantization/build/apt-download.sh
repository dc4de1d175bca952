#!/usr/bin/env bash
# Downloads pinned Debian packages (NAME=VERSION ...) into the current folder with apt-get download, installing nothing.
# A fresh machine has no package lists yet: root fetches them once, anyone else is told how.
set -euo pipefail
if ! apt-get download -qq "$@" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null
    apt-get download -qq "$@" >/dev/null
  else
    echo "error: cannot download Debian packages $*; run 'sudo apt-get update' once and try again" >&2
    exit 1
  fi
fi
