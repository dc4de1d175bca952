#!/bin/sh
# deploy/pack.sh FEED [VERSION]: packs every packable project (IsPackable true in its .csproj) in Release into the
# folder FEED, a local NuGet feed. VERSION overrides the one version source (VersionPrefix in Directory.Build.props)
# for this pack, e.g. 0.2.0 or 0.2.0-beta.1. docs/packages.md says what each package is.
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: deploy/pack.sh FEED [VERSION]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# Two packs at once (the packaging and the template tests of one `dotnet test Infra.sln`) would write the same Release
# outputs over each other, so the second waits for the first (flock(1); without it, as on macOS, run one at a time).
# -o: the lock stays with flock itself. A child holding it open would hold it as long as it lives, and the dotnet
# below would otherwise leave MSBuild nodes and a compiler server behind for minutes, each holding the lock.
if [ -z "${MLSERVING_PACK_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  mkdir -p "$root/.build"
  MLSERVING_PACK_LOCKED=1 exec flock -o "$root/.build/pack.lock" sh "$0" "$@"
fi
mkdir -p "$1"
feed=$(cd "$1" && pwd)
version=${2:-}

# One pack over a solution filter of exactly the packable projects: one restore and one build for all of them.
mkdir -p "$root/.build"
filter="$root/.build/packable.slnf"
projects=$(cd "$root" && find components functions stacks templates tests benchmarks -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' \
  -not -path '*/node_modules/*' -exec grep -l '<IsPackable>true</IsPackable>' {} + | sort | sed 's|.*|      "&"|' | paste -sd ',' -)
printf '{\n  "solution": {\n    "path": "../Infra.sln",\n    "projects": [\n%s\n    ]\n  }\n}\n' "$projects" > "$filter"

# --disable-build-servers: a pack leaves no MSBuild node or compiler server running after it (a CI job, or a test, waits
# for every process it started).
set -- pack "$filter" -c Release -o "$feed" --nologo --disable-build-servers
if [ -n "$version" ]; then
  set -- "$@" "-p:Version=$version"
fi
dotnet "$@"
