#!/bin/bash
# Runs the Redis tests: starts Debian's redis-server (apt-get install -y redis-server; installing does not start it)
# on 127.0.0.1 without persistence, runs the tests against it, and stops it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${REDIS_LOCAL_PORT:-6391}
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
dir="$here/obj/redis-local"
mkdir -p "$dir"
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
i=0
until redis-cli -p "$port" ping >/dev/null 2>&1 || [ $i -ge 40 ]; do sleep 0.25; i=$((i + 1)); done
REDIS_ENDPOINT="127.0.0.1:$port" dotnet test "$here/Inference.Tests.csproj" --filter "FullyQualifiedName~RedisLocalTests" "$@"
