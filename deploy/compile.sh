#!/bin/sh
# Pulumi's YAML runtime runs this several times per operation (see Pulumi.yaml), sometimes
# without any PULUMI_* variables. It must be fast and print only the program on stdout:
# builds happen only when a source is newer than the last build, with their output on stderr.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

stale() { # stale OUTPUT DIR...: OUTPUT is missing or older than a source file under DIR...
  target=$1; shift
  [ ! -e "$target" ] && return 0
  [ -n "$(find "$@" "$root/Directory.Build.props" "$root/Directory.Packages.props" \
      -newer "$target" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print 2>/dev/null | head -n 1)" ]
}

stacks="$root/.build/stacks/Infra.Stacks.dll"
if stale "$stacks" "$root/stacks" "$root/components" "$root/functions/ModelConfiguration"; then
  # ReadyToRun: precompiled code starts about a third faster than JIT, and Pulumi starts us often.
  dotnet publish "$root/stacks/Infra.Stacks.csproj" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$root/.build/stacks" --nologo -v quiet 1>&2
fi

function="$root/.build/function/InferenceFunction.dll"
if [ -n "${PULUMI_STACK:-}" ] && stale "$function" "$root/functions"; then
  # ReadyToRun for the managed dotnet10 runtime; the publish also writes the bundled models' pre-optimised
  # graphs (the fastest cold start that runs on Lambda from any build machine, docs/benchmarks.md).
  dotnet publish "$root/functions/InferenceFunction/InferenceFunction.csproj" -c Release \
    -p:PublishProfile=ReadyToRun -o "$root/.build/function" --nologo -v quiet 1>&2
fi

exec dotnet "$stacks" synth
