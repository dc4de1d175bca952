#!/bin/bash
# Runs the registry tests against fauxqs, the local S3 stand-in: installs it once, starts it on 127.0.0.1,
# sets FAUXQS_ENDPOINT, runs the tests (extra arguments go to `dotnet test`), and stops it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${FAUXQS_PORT:-4576}
"$here/fauxqs-server.sh" install
mkdir -p "$here/obj/fauxqs"
"$here/fauxqs-server.sh" run "$port" >"$here/obj/fauxqs/server.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
i=0
until (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
FAUXQS_ENDPOINT="http://127.0.0.1:$port" dotnet test "$here/Registry.Tests.csproj" "$@"
