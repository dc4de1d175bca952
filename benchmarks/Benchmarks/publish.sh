#!/bin/sh
# The builds every function benchmark runs: the function published four ways (each publish also writes the
# pre-optimised model graphs) and the Benchmarks tool. Used by run.sh and coldstart.sh.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
for profile in FrameworkDependent ReadyToRun ReadyToRunTrimmed NativeAot; do
  dotnet publish functions/InferenceFunction/InferenceFunction.csproj -p:PublishProfile=$profile -v quiet -nologo
done
dotnet build benchmarks/Benchmarks/Benchmarks.csproj -c Release -v quiet -nologo
