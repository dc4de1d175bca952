namespace InferenceFunction.Tests;

/// <summary>The function as built next to this test run (same configuration), to start as a real process.</summary>
internal static class BuiltFunction
{
    public static string AssemblyPath
    {
        get
        {
            // .../tests/InferenceFunction.Tests/bin/<Configuration>/net10.0/
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testOutput.Parent!.Name;
            var path = Path.Combine(RepositoryRoot, "functions", "InferenceFunction", "bin", configuration, testOutput.Name, "InferenceFunction.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build functions/InferenceFunction first; the test runs its output as a process.", path);
        }
    }

    /// <summary>The folder holding Directory.Build.props, above the test output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
            {
                directory = directory.Parent ?? throw new InvalidOperationException("The repository root (Directory.Build.props) was not found above the test output.");
            }

            return directory.FullName;
        }
    }
}
