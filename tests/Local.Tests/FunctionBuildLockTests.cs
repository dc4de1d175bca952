using System.Diagnostics;
using Infra.Local.Emulators;

namespace Local.Tests;

/// <summary>
/// Every publish of the function shares functions/InferenceFunction/obj, so serve's ReadyToRun publish
/// (<see cref="Infra.Local.FunctionBuild"/>) and deploy/function-build.sh's publishes (compile.sh, the container-image
/// test's Native AOT publish) must never run at once: both take the lock of <c>.build/function</c>.
/// </summary>
public sealed class FunctionBuildLockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("function-build-lock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_scripts_publish_waits_while_serves_build_holds_the_lock()
    {
        var builds = Directory.CreateDirectory(Path.Combine(_root, ".build", "function")).FullName;
        var script = Path.Combine(TestStacks.RepositoryRoot, "deploy", "function-build.sh");
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        // `locked` runs its command under the lock; the command records when it ran.
        foreach (var argument in new[] { "-c", ". \"$1\"; root=\"$2\"; locked touch \"$2/ran\"", "sh", script, _root })
        {
            start.ArgumentList.Add(argument);
        }

        Process waiting;
        using (FolderLock.Acquire(builds))
        {
            waiting = Process.Start(start)!;
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(waiting.HasExited, "the script ran while FunctionBuild held the lock");
            Assert.False(File.Exists(Path.Combine(_root, "ran")));
        }

        using (waiting)
        {
            await waiting.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(waiting.ExitCode == 0, await waiting.StandardError.ReadToEndAsync());
        }

        Assert.True(File.Exists(Path.Combine(_root, "ran")));
    }
}
