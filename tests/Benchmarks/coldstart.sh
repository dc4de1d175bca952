#!/bin/sh
# Reproduces issue 9's cold-start table (docs/benchmarks.md): publishes the function three ways (each publish
# also writes the pre-optimised ResNet18 graph) and the bare floor program twice, then starts every variant once
# per round, interleaved, and prints medians and ratios against the floor. Usage: coldstart.sh [ROUNDS] [THREADS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
for profile in FrameworkDependent ReadyToRun NativeAot; do
  dotnet publish functions/InferenceFunction/InferenceFunction.csproj -p:PublishProfile=$profile -v quiet -nologo
done
floor=tests/ColdStartFloor/bin/publish
dotnet publish tests/ColdStartFloor -c Release -p:PublishAot=true -o $floor/native-aot -v quiet -nologo
dotnet publish tests/ColdStartFloor -c Release -p:PublishReadyToRun=true -o $floor/ready-to-run -v quiet -nologo
dotnet build tests/Benchmarks/Benchmarks.csproj -c Release -v quiet -nologo
publish=functions/InferenceFunction/bin/publish
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
tests/Benchmarks/bin/Release/net10.0/Benchmarks coldstart-variants $publish $floor $publish/native-aot/models/resnet18 "${1:-7}" "${2:-2}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
