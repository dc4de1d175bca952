using System.Diagnostics;
using Infra.Core;
using Infra.Hosting;

namespace Infra.Local;

/// <summary>
/// The sample photo for the printed curl and the page: a real photograph (a mountain above the
/// clouds, taken with a Nikon E4600) that ships in the pinned npm package exif-js 2.3.0 (MIT), as
/// an example of EXIF data. npm extracts it once into the ignored folder <c>.build/serve/sample</c>;
/// nothing is committed.
/// </summary>
public sealed class SamplePhoto(ProjectLayout layout, TextWriter output)
{
    public const string Package = "exif-js@2.3.0";

    private string Folder => System.IO.Path.Combine(layout.RootDirectory, ".build", "serve", "sample");

    public string Path => System.IO.Path.Combine(Folder, "node_modules", "exif-js", "example", "DSCN0614_small.jpg");

    /// <summary>The photo's path, installing the package first when needed; null (with the reason printed) when npm cannot.</summary>
    public string? Ensure()
    {
        if (File.Exists(Path))
        {
            return Path;
        }

        output.WriteLine($"sample: npm install {Package} into .build/serve/sample (once)");
        Directory.CreateDirectory(Folder);
        var install = new ProcessStartInfo("npm")
        {
            ArgumentList = { "install", "--prefix", Folder, "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", Package },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(install)!;
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(Path))
            {
                output.WriteLine($"sample: npm install {Package} failed (exit code {process.ExitCode}): {errors.Result.Trim()}; /sample.jpg is unavailable, use any JPEG with the curl below");
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            output.WriteLine($"sample: npm is not available ({error.Message}); /sample.jpg is unavailable, use any JPEG with the curl below");
            return null;
        }

        return Path;
    }
}
