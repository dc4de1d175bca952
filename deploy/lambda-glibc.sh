#!/bin/sh
# lambda-glibc.sh DIR: checks that Lambda's provided.al2023 (glibc 2.34) can load every ELF file under DIR
# (the Native AOT bootstrap and each .so). A binary linked on a newer glibc asks for newer symbol versions
# (e.g. GLIBC_2.38's C23 __isoc23_* functions) and fails at init with "version `GLIBC_2.38' not found".
# Prints one line per file that needs more, such as "bootstrap needs GLIBC_2.36", and exits 1; exits 0 when all fit.
set -eu
dir=${1:?usage: lambda-glibc.sh DIR}
max=2.34
command -v readelf >/dev/null || { echo "readelf (binutils) is not installed, so the glibc versions cannot be checked"; exit 2; }

status=0
for file in $(find "$dir" -type f | sort); do # published packages have no spaces in their paths
  # Only ELF files: the magic number is \177ELF.
  [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  # The highest GLIBC_x.y among the versions this file needs (its .gnu.version_r entries).
  needed=$(readelf --version-info --wide "$file" \
    | sed -n '/^Version needs section/,/^$/s/.*Name: GLIBC_\([0-9][0-9.]*\).*/\1/p' | sort -V | tail -n 1)
  if [ -n "$needed" ] && [ "$(printf '%s\n%s\n' "$max" "$needed" | sort -V | tail -n 1)" != "$max" ]; then
    echo "${file#"$dir"/} needs GLIBC_$needed"
    status=1
  fi
done
exit $status
