#!/bin/sh
# Reproduces issue 9's cold-start table (docs/benchmarks.md): the function's three builds (publish.sh) and the bare
# floor program twice, then every variant started once per round, interleaved; medians and ratios against the floor.
# Usage: coldstart.sh [ROUNDS] [THREADS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
sh "$root/benchmarks/Benchmarks/publish.sh"
cd "$root"
floor=benchmarks/ColdStartFloor/bin/publish
dotnet publish benchmarks/ColdStartFloor -c Release -p:PublishAot=true -o $floor/native-aot -v quiet -nologo
dotnet publish benchmarks/ColdStartFloor -c Release -p:PublishReadyToRun=true -o $floor/ready-to-run -v quiet -nologo
publish=functions/InferenceFunction/bin/publish
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
benchmarks/Benchmarks/bin/Release/net10.0/Benchmarks coldstart-variants $publish $floor $publish/native-aot/models/resnet18 "${1:-7}" "${2:-2}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
