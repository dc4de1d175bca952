#!/bin/sh
# Builds the inference library as it was at PREVIOUS (default: the commit before the prediction cache) into a
# temporary folder, then runs the cache benchmark against it in the same process.
set -eu
root=$(git rev-parse --show-toplevel)
previous=${1:-b45e382}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$previous" functions/Inference Directory.Build.props Directory.Packages.props | tar -x -C "$work"
dotnet build -c Release -v q "$work/functions/Inference/Inference.csproj" -o "$work/previous" >&2
dotnet run -c Release --project "$root/benchmarks/CacheBenchmark" -- "$work/previous/Inference.dll" "${2:-200}" "${3:-20}"
