#!/usr/bin/env bash
# The GPU check: ResNet18 on ONNX Runtime's CUDA provider against its CPU provider, warm latency and throughput at batch
# 1, 16 and 64, and whether the outputs agree (cosine >= 0.999).
#
#   benchmarks/gpu/run.sh publish        here, with .NET: a self-contained linux-x64 build with the CUDA ONNX Runtime,
#                                        and ResNet18 with a dynamic batch dimension, in .build/gpu-check/ (copy that
#                                        folder to the GPU machine)
#   benchmarks/gpu/run.sh [ARGS...]      on the GPU machine (no .NET needed; CUDA 12 and cuDNN 9 libraries must be on the
#                                        loader's path, e.g. inside functions/Dockerfile.gpu's base image). ARGS go to the
#                                        check, e.g. --providers cpu --batches 1,16 for a CPU-only smoke run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${GPU_CHECK_DIR:-$root/.build/gpu-check}"

if [[ "${1:-}" == "publish" ]]; then
  # Its own artifacts folder: restoring with the CUDA package must not overwrite the CPU restore of a normal build.
  dotnet publish "$here/GpuCheck.csproj" -c Release -r linux-x64 --self-contained -p:ExecutionProvider=cuda \
    --artifacts-path "$root/.build/gpu-check-artifacts" -o "$out"
  test -f "$out/libonnxruntime_providers_cuda.so"
  # The bundled ResNet18 is exported with its batch fixed at 1; the check runs a copy whose batch dimension is dynamic,
  # written by the quantize tool's dynamic-batch verb (C#, through the ONNX schema), so that batch 16 and 64 run. Building that
  # tool takes the ONNX schema from a Debian package (README, INT8 quantization), so publish where quantize builds.
  rm -rf "$out/models/resnet18-dynamic-batch"
  dotnet run --project "$root/components/Quantization" -- dynamic-batch "$out/models/resnet18/model.json" \
    --out "$out/models/resnet18-dynamic-batch"
  echo "published to $out; copy it to the GPU machine and run: $out/run.sh"
  cp "$here/run.sh" "$out/run.sh"
  exit 0
fi

# Run from the published folder (where this script is copied), or from the repository after a publish.
bin="$here/GpuCheck"
[[ -x "$bin" ]] || bin="$out/GpuCheck"
[[ -x "$bin" ]] || { echo "no published check at $bin: run '$0 publish' first (on a machine with .NET)" >&2; exit 2; }
if [[ " $* " != *" --providers "* ]] && command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2
fi
exec "$bin" "$@"
