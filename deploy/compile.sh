#!/bin/sh
# Pulumi's YAML runtime runs this several times per operation (see Pulumi.yaml), sometimes
# without any PULUMI_* variables. It must be fast and print only the program on stdout:
# builds happen only when a source is newer than the last build, with their output on stderr.
# With PULUMI_STACK set it also publishes the function build the stack's functionBuild needs
# (deploy/function-build.sh; README "Function builds"). The same file runs in a team's repository that references
# the package MlServing.Sdk (docs/packages.md): the stack program is the one project in stacks/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/deploy/function-build.sh"

project=$(find "$root/stacks" -maxdepth 1 -name '*.csproj')
if [ -z "$project" ] || [ "$(printf '%s\n' "$project" | wc -l)" -ne 1 ]; then
  echo "error: compile.sh runs the one .csproj in $root/stacks, and found: ${project:-none}" >&2
  exit 1
fi
# The program's assembly has the project's name (the SDK's default AssemblyName).
stacks="$root/.build/stacks/$(basename "$project" .csproj).dll"
plans="$root/.build/plans"
if stale "$stacks" "$root/stacks" "$root/components" "$root/functions/Contracts"; then
  # ReadyToRun: precompiled code starts about a third faster than JIT, and Pulumi starts us often.
  dotnet publish "$project" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$root/.build/stacks" --nologo -v quiet 1>&2
  rm -rf "$plans"
fi

if [ -n "${PULUMI_STACK:-}" ]; then
  # Which function build the stack needs and where the function's source is ("auto linux-x64 /path/to/root";
  # in a team's repository function-builds materializes the package's tree first), cached per stack and config so
  # that an unchanged run starts .NET once (for synth). Without PULUMI_CONFIG the config is the stack file.
  plan="$plans/$(printf '%s\n%s\n' "$PULUMI_STACK" "${PULUMI_CONFIG:-}" | cksum | cut -d ' ' -f 1)"
  if [ ! -e "$plan" ] || { [ -z "${PULUMI_CONFIG:-}" ] && [ "$root/Pulumi.$PULUMI_STACK.yaml" -nt "$plan" ]; }; then
    mkdir -p "$plans"
    dotnet "$stacks" function-builds > "$plan.$$"
    mv "$plan.$$" "$plan"
  fi
  requested='' rid='' function_source=''
  read -r requested rid function_source < "$plan" || true
  if [ -n "$requested" ]; then # empty: a bad functionBuild or architecture, which synth reports
    FUNCTION_BUILD_AUTO=$(function_build "$requested" "$rid")
    export FUNCTION_BUILD_AUTO
  fi
fi

exec dotnet "$stacks" synth
