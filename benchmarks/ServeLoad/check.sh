#!/bin/sh
# The load and soak checks of docs/reliability.md (issue 8): serve runs a one-API stack with ppocr-cls on 127.0.0.1
# as a child process, and the tool drives it on loopback. Exit code 1 when a request is not answered 200, or a
# process of serve's tree leaks memory (5% after warm-up), descriptors or threads.
#   sh benchmarks/ServeLoad/check.sh load [REQUESTS=20000] [PORT=4400] [check|report]
#   sh benchmarks/ServeLoad/check.sh soak [MINUTES=10] [CONCURRENCY=4] [PORT=4400]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dotnet build benchmarks/ServeLoad/ServeLoad.csproj -c Release -v quiet -nologo >&2
exec dotnet benchmarks/ServeLoad/bin/Release/net10.0/ServeLoad.dll "$@"
