namespace Local.Tests;

/// <summary>Paths in the repository this test run was built from.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(folder.FullName, "Directory.Build.props")))
            {
                folder = folder.Parent ?? throw new InvalidOperationException("The repository root (Directory.Build.props) was not found above the test output.");
            }

            return folder.FullName;
        }
    }

    /// <summary>Where serve installs the npm-shipped emulators (ignored by git).</summary>
    public static string EmulatorTools => Path.Combine(Root, ".build", "emulators");
}
