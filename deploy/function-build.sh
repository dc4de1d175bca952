# Sourced by compile.sh (and the tests): publishes the zip function build a stack asks for (functionBuild) into
# $root/.build/function/{build}-{rid}, and prints the build it ships (native-aot or ready-to-run) on stdout.
# Publishing happens only when a source is newer than the last attempt; its output goes to stderr or a log.
# The function's source root is $function_source when set (what the function-builds command printed: a team's
# .build/function-source, materialized from the package MlServing.Function), else $root (this repository).

stale() { # stale OUTPUT DIR...: OUTPUT is missing or older than a source file under DIR...
  target=$1; shift
  [ ! -e "$target" ] && return 0
  [ -n "$(find "$@" "$root/Directory.Build.props" "$root/Directory.Packages.props" \
      -newer "$target" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print 2>/dev/null | head -n 1)" ]
}

locked() { # locked CMD...: runs CMD holding .build/function/.lock, the lock serve's publish (FunctionBuild) takes too.
  # Every publish of the function shares its obj/ folder, so two at once (serve's ReadyToRun and a Native AOT
  # publish for the same RID, say) corrupt each other's output. .NET's unshared FileStream is a flock(2) lock, as this is.
  mkdir -p "$root/.build/function"
  if command -v flock >/dev/null 2>&1; then
    ( flock 9 && "$@" ) 9>"$root/.build/function/.lock"
  else
    "$@" # no flock(1) (macOS): one deploy at a time is the norm there
  fi
}

source_root() {
  echo "${function_source:-$root}"
}

function_stale() { # function_stale OUTPUT: OUTPUT is older than a file of the function's source or build settings
  function_root=$(source_root)
  stale "$1" "$function_root/functions" "$function_root/Directory.Build.props" "$function_root/Directory.Packages.props"
}

host_rid() {
  case "$(uname -m)" in
    x86_64) echo linux-x64 ;;
    aarch64 | arm64) echo linux-arm64 ;;
    *) uname -m ;;
  esac
}

publish_ready_to_run() { # publish_ready_to_run RID
  locked publish_ready_to_run_unlocked "$1"
}

publish_ready_to_run_unlocked() {
  out="$root/.build/function/ready-to-run-$1"
  if function_stale "$out/InferenceFunction.dll"; then
    # The publish also writes the bundled models' pre-optimised graphs.
    dotnet publish "$(source_root)/functions/InferenceFunction/InferenceFunction.csproj" -c Release \
      -p:PublishProfile=ReadyToRun -r "$1" -o "$out" --nologo -v quiet 1>&2
    touch "$out/InferenceFunction.dll" # dotnet publish keeps the timestamps of unchanged outputs
  fi
}

attempt_native_aot() { # attempt_native_aot RID: leaves "lambda-safe" or "unsafe: REASON" in native-aot-RID.check
  locked attempt_native_aot_unlocked "$1"
}

attempt_native_aot_unlocked() {
  out="$root/.build/function/native-aot-$1"
  check="$out.check"
  function_stale "$check" || return 0
  mkdir -p "$root/.build/function"
  if [ "$(uname -s)" != Linux ] || [ "$(host_rid)" != "$1" ]; then
    echo "unsafe: Native AOT cannot cross-compile, and this machine is $(uname -s) $(uname -m), not $1" > "$check"
    return 0
  fi
  echo "function build: publishing Native AOT for $1 (a few minutes; log in .build/function/native-aot-$1.log)" >&2
  if ! dotnet publish "$(source_root)/functions/InferenceFunction/InferenceFunction.csproj" -c Release \
      -p:PublishProfile=NativeAot -r "$1" -o "$out" --nologo > "$out.log" 2>&1; then
    echo "unsafe: the Native AOT publish failed (it needs clang and binutils; see .build/function/native-aot-$1.log)" > "$check"
    return 0
  fi
  if too_new=$(sh "$root/deploy/lambda-glibc.sh" "$out" 2>&1); then
    echo "lambda-safe" > "$check"
  else
    echo "unsafe: $(echo "$too_new" | paste -sd ';' - | sed 's/;/; /g') (Lambda's provided.al2023 has glibc 2.34)" > "$check"
  fi
}

function_build() { # function_build REQUESTED RID: publishes what REQUESTED needs and prints the build it ships
  case "$1" in
    ready-to-run)
      publish_ready_to_run "$2"
      echo ready-to-run ;;
    native-aot | auto)
      attempt_native_aot "$2"
      outcome=$(cat "$root/.build/function/native-aot-$2.check")
      if [ "$outcome" = lambda-safe ]; then
        echo native-aot
      elif [ "$1" = auto ]; then
        echo "functionBuild auto: ready-to-run, because ${outcome#unsafe: }; Native AOT starts about 2.2x faster (docs/benchmarks.md)" >&2
        publish_ready_to_run "$2"
        echo ready-to-run
      else
        echo "error: functionBuild native-aot cannot be deployed from this machine: ${outcome#unsafe: }." >&2
        echo "  fix: \`pulumi config set functionBuild ready-to-run\`, or build on Linux for $2 with glibc 2.34 or older (Amazon Linux 2023)" >&2
        return 1
      fi ;;
    *)
      echo "error: function build '$1' is not one of auto, native-aot, ready-to-run" >&2
      return 1 ;;
  esac
}
