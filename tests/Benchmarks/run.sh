#!/bin/sh
# Reproduces issue 3's benchmark tables (docs/benchmarks.md). Run from anywhere; takes a few minutes.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
for profile in FrameworkDependent ReadyToRun NativeAot; do
  dotnet publish functions/InferenceFunction/InferenceFunction.csproj -p:PublishProfile=$profile -v quiet -nologo
done
dotnet build tests/Benchmarks/Benchmarks.csproj -c Release -v quiet -nologo
bench=tests/Benchmarks/bin/Release/net10.0/Benchmarks
publish=functions/InferenceFunction/bin/publish
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$bench warm "${WARM_ROUNDS:-5}" "${WARM_ITERATIONS:-40}"
$bench coldstart $publish "${COLD_RUNS:-7}" 2
$bench size $publish
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
