#!/usr/bin/env bash
# Synthesizes every stack (each Pulumi.<stack>.yaml at the repository root) and type-checks all the programs
# in one SchemaCheck run. Exit code: 0 all pass, 1 a program fails, 2 the check could not run.
# Usage: tests/SchemaCheck/check-stacks.sh   (from anywhere; builds what it needs)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet build "$root/stacks/Infra.Stacks.csproj" -nologo -v quiet >&2
dotnet build "$root/tests/SchemaCheck/SchemaCheck.csproj" -nologo -v quiet >&2

programs=()
for config in "$root"/Pulumi.*.yaml; do
  stack="$(basename "$config" .yaml)"
  stack="${stack#Pulumi.}"
  (cd "$root" && dotnet stacks/bin/Debug/net10.0/Infra.Stacks.dll synth --stack "$stack" --out "$out/$stack.yaml") >&2
  programs+=("$out/$stack.yaml")
done
[ ${#programs[@]} -gt 0 ] || { echo "no Pulumi.<stack>.yaml in $root" >&2; exit 2; }

dotnet "$root/tests/SchemaCheck/bin/Debug/net10.0/SchemaCheck.dll" "${programs[@]}"
