using System.Diagnostics;

namespace Quantization.Tests;

/// <summary>
/// The real photos of photos.sh (Debian packages, extracted into this project's obj/ once): a calibration folder and a
/// disjoint evaluation folder. Outside CI a machine that cannot fetch them skips the photo tests; under CI=true it fails.
/// </summary>
internal static class TestPhotos
{
    private static readonly Lazy<string?> Root = new(Fetch);
    private static string? _error;

    public static string Calibration => Path.Combine(Require(), "calibration");

    public static string Evaluation => Path.Combine(Require(), "evaluation");

    public static string ResNet18Config => Path.Combine(AppContext.BaseDirectory, "models", "resnet18", "model.json");

    private static string Require()
    {
        var root = Root.Value;
        if (root is null)
        {
            var inCi = Environment.GetEnvironmentVariable("CI") == "true";
            Assert.False(inCi, $"photos.sh failed: {_error}");
            Skip.If(true, $"the test photos cannot be fetched here ({_error}); run tests/Quantization.Tests/photos.sh as root once");
        }

        return root!;
    }

    private static string? Fetch()
    {
        var project = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../"));
        var root = Path.Combine(project, "obj", "photos");
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(project, "photos.sh"), root])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _error = error.Result.Trim();
        return process.ExitCode == 0 ? root : null;
    }
}
