using Infra.Local.Emulators;

namespace Local.Tests;

/// <summary>
/// NpmTools installs the emulators once per folder. A caller must not take a half-installed folder for an installed one:
/// two test classes starting fauxqs at once in a fresh clone ran its node binary while npm was still writing it
/// ("Text file busy").
/// </summary>
public sealed class NpmToolsTests
{
    private static readonly string[] Packages = ["example-emulator@1.0.0"];
    private const string Probe = "example-emulator/cli.js";

    [Fact]
    public async Task A_folder_whose_probe_file_exists_while_an_install_holds_the_lock_is_awaited_not_used()
    {
        using var folder = new TempFolder("npm-tools-");
        var modules = Path.Combine(folder.Path, "node_modules");
        Task<string> ensure;
        using (FolderLock.Acquire(folder.Path))
        {
            // Mid-install: npm has unpacked the probe file but has not finished.
            Directory.CreateDirectory(Path.Combine(modules, "example-emulator"));
            await File.WriteAllTextAsync(Path.Combine(modules, Probe), "// unpacked");
            ensure = NpmTools.EnsureAsync(folder.Path, Packages, Probe, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(ensure.IsCompleted, "EnsureAsync returned a folder that another install was still writing");

            // The install finishes: its marker comes last, then the lock goes.
            await File.WriteAllTextAsync(Path.Combine(folder.Path, NpmTools.InstalledMarker), string.Join('\n', Packages) + '\n');
        }

        Assert.Equal(modules, await ensure.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_finished_install_of_the_same_packages_is_used_at_once()
    {
        using var folder = new TempFolder("npm-tools-");
        var modules = Path.Combine(folder.Path, "node_modules");
        Directory.CreateDirectory(Path.Combine(modules, "example-emulator"));
        await File.WriteAllTextAsync(Path.Combine(modules, Probe), "// unpacked");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, NpmTools.InstalledMarker), string.Join('\n', Packages) + '\n');

        using (FolderLock.Acquire(folder.Path))
        {
            // No lock is needed (nor taken) to use a finished install.
            Assert.Equal(modules, await NpmTools.EnsureAsync(folder.Path, Packages, Probe, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }
}
