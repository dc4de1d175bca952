using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Components.Tests;

/// <summary>
/// deploy/lambda-glibc.sh (may Lambda's glibc 2.34 load this package?) and deploy/function-build.sh (what
/// compile.sh publishes and ships for each functionBuild), run as compile.sh runs them.
/// </summary>
public sealed class FunctionBuildScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("function-build-").FullName;

    private static string Deploy => Path.Combine(TeamStackTests.RepositoryRoot(), "deploy");

    private static string HostRid => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private static string OtherRid => HostRid == "linux-x64" ? "linux-arm64" : "linux-x64";

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int ExitCode, string Output, string Errors) Shell(params string[] args)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    /// <summary>A C program built here with gcc into <c>{folder}/bootstrap</c>.</summary>
    private string Compile(string folder, string source)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
        var file = Path.Combine(_root, folder + ".c");
        File.WriteAllText(file, source);
        var gcc = Shell("-c", "gcc -o \"$1\" \"$2\"", "sh", Path.Combine(directory, "bootstrap"), file);
        Assert.True(gcc.ExitCode == 0, gcc.Errors);
        return directory;
    }

    /// <summary>Runs function_build in a project at the temp root, whose folders the test prepares (no sources: nothing is stale).</summary>
    private (int ExitCode, string Output, string Errors) FunctionBuild(string requested, string rid) =>
        Shell("-c", ". \"$1\"; root=\"$2\"; function_build \"$3\" \"$4\"", "sh", Path.Combine(Deploy, "function-build.sh"), _root, requested, rid);

    private void Published(string folder, string? check = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, ".build", "function", folder)).FullName;
        File.WriteAllText(Path.Combine(directory, "InferenceFunction.dll"), "");
        if (check is not null)
        {
            File.WriteAllText(directory + ".check", check + "\n");
        }
    }

    [Fact]
    public void A_package_that_needs_at_most_glibc_2_34_passes()
    {
        var package = Compile("ok", "int main(void) { return 0; }\n");
        File.WriteAllText(Path.Combine(package, "model.json"), "{}");

        var (code, output, errors) = Shell(Path.Combine(Deploy, "lambda-glibc.sh"), package);

        Assert.True(code == 0, output + errors);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_package_that_needs_a_newer_glibc_is_rejected_naming_the_file_and_version()
    {
        // pidfd_open is versioned GLIBC_2.36 on this Debian 12 host, above Lambda's 2.34.
        var package = Compile("new", """
            #define _GNU_SOURCE
            #include <sys/pidfd.h>
            #include <unistd.h>
            int main(void) { return pidfd_open(getpid(), 0) < 0; }
            """);

        var (code, output, _) = Shell(Path.Combine(Deploy, "lambda-glibc.sh"), package);

        Assert.Equal(1, code);
        Assert.Equal("bootstrap needs GLIBC_2.36\n", output);
    }

    [Fact]
    public void Auto_ships_native_aot_when_the_recorded_attempt_is_lambda_safe()
    {
        Published($"native-aot-{HostRid}", "lambda-safe");

        var (code, output, errors) = FunctionBuild("auto", HostRid);

        Assert.True(code == 0, errors);
        Assert.Equal("native-aot\n", output);
        Assert.Equal("", errors);
    }

    [Fact]
    public void Auto_falls_back_to_ready_to_run_saying_why_when_the_aot_build_needs_a_newer_glibc()
    {
        Published($"native-aot-{HostRid}", "unsafe: bootstrap needs GLIBC_2.38 (Lambda's provided.al2023 has glibc 2.34)");
        Published($"ready-to-run-{HostRid}");

        var (code, output, errors) = FunctionBuild("auto", HostRid);

        Assert.True(code == 0, errors);
        Assert.Equal("ready-to-run\n", output);
        Assert.Equal(
            "functionBuild auto: ready-to-run, because bootstrap needs GLIBC_2.38 (Lambda's provided.al2023 has glibc 2.34); Native AOT starts about 2.2x faster (docs/benchmarks.md)\n",
            errors);
    }

    [Fact]
    public void Auto_falls_back_to_ready_to_run_for_another_cpu_architecture()
    {
        Published($"ready-to-run-{OtherRid}");

        var (code, output, errors) = FunctionBuild("auto", OtherRid);

        Assert.True(code == 0, errors);
        Assert.Equal("ready-to-run\n", output);
        Assert.Contains($"functionBuild auto: ready-to-run, because Native AOT cannot cross-compile, and this machine is Linux", errors, StringComparison.Ordinal);
        Assert.Contains($"not {OtherRid}", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_native_aot_that_lambda_cannot_run_fails_with_the_reason_and_the_fix()
    {
        Published($"native-aot-{HostRid}", "unsafe: bootstrap needs GLIBC_2.38 (Lambda's provided.al2023 has glibc 2.34)");

        var (code, output, errors) = FunctionBuild("native-aot", HostRid);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("error: functionBuild native-aot cannot be deployed from this machine: bootstrap needs GLIBC_2.38", errors, StringComparison.Ordinal);
        Assert.Contains("`pulumi config set functionBuild ready-to-run`", errors, StringComparison.Ordinal);
        Assert.Contains("glibc 2.34 or older (Amazon Linux 2023)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Ready_to_run_ships_its_current_build_without_trying_native_aot()
    {
        Published($"ready-to-run-{OtherRid}");

        var (code, output, errors) = FunctionBuild("ready-to-run", OtherRid);

        Assert.True(code == 0, errors);
        Assert.Equal("ready-to-run\n", output);
        Assert.False(File.Exists(Path.Combine(_root, ".build", "function", $"native-aot-{OtherRid}.check")));
    }
}
