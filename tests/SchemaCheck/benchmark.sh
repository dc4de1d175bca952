#!/usr/bin/env bash
# Measures one checker run over ONE program against one run over ALL sample programs (same machine, same run),
# to show what compiling every program in one TypeScript program saves over one compile per program.
# Usage: tests/SchemaCheck/benchmark.sh [repeats]   (after building SchemaCheck and SchemaCheck.Tests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
programs="$here/../SchemaCheck.Tests/Programs"
tool="$here/bin/Debug/net10.0/SchemaCheck.dll"
repeats="${1:-3}"
mapfile -t all < <(find "$programs" -name '*.yaml' | sort)

seconds() { # wall seconds of one checker call; exit code 1 (programs failed) is expected for the broken ones
  local start end
  start=$(date +%s.%N)
  dotnet "$tool" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

one=(); many=()
for ((i = 0; i < repeats; i++)); do
  one+=("$(seconds "$programs/valid-sample.yaml")")
  many+=("$(seconds "${all[@]}")")
done
one_median=$(printf '%s\n' "${one[@]}" | median)
many_median=$(printf '%s\n' "${many[@]}" | median)
echo "1 program per run:        median ${one_median} s  (runs: ${one[*]})"
echo "${#all[@]} programs in one run:   median ${many_median} s  (runs: ${many[*]})"
awk -v n="${#all[@]}" -v one="$one_median" -v many="$many_median" \
  'BEGIN { printf "one run per program would take about %.1f s: %.1fx the single run\n", n * one, n * one / many }'
