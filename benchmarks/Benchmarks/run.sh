#!/bin/sh
# Reproduces issue 3's benchmark tables (docs/benchmarks.md). Run from anywhere; takes a few minutes.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
sh "$root/benchmarks/Benchmarks/publish.sh"
cd "$root"
bench=benchmarks/Benchmarks/bin/Release/net10.0/Benchmarks
publish=functions/InferenceFunction/bin/publish
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$bench warm "${WARM_ROUNDS:-5}" "${WARM_ITERATIONS:-40}"
$bench coldstart $publish "${COLD_RUNS:-7}" 2
$bench size $publish
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
