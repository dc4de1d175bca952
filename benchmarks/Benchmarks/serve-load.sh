#!/bin/sh
# The load test of docs/benchmarks.md (issue 7): serve runs the dev stack on 127.0.0.1, then the
# Benchmarks tool measures the bare ONNX Runtime capacity of this machine and sends REQUESTS
# /predict requests at CONCURRENCY through serve. Loopback only; it stops serve when done.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
requests=${1:-2000}
concurrency=${2:-4}
port=${PORT:-4020}
dotnet build stacks/Infra.Stacks.csproj -c Release -v quiet -nologo
dotnet build benchmarks/Benchmarks/Benchmarks.csproj -c Release -v quiet -nologo
out=$(mktemp)
stacks/bin/Release/net10.0/Infra.Stacks serve --stack dev --port "$port" >"$out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q "Ctrl+C stops serve" "$out" && break; sleep 0.5; done
key=$(grep -m1 "API key" "$out" | awk '{print $3}')
[ -n "$key" ] || { cat "$out"; echo "serve did not start" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
benchmarks/Benchmarks/bin/Release/net10.0/Benchmarks serve "http://127.0.0.1:$port/embed/dev/v2/models/resnet18/predict" "$key" \
  .build/serve/sample/node_modules/exif-js/example/DSCN0614_small.jpg "$requests" "$concurrency" 2 2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
