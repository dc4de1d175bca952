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
            var repositoryRoot = testOutput;
            while (!File.Exists(Path.Combine(repositoryRoot.FullName, "Directory.Build.props")))
            {
                repositoryRoot = repositoryRoot.Parent ?? throw new InvalidOperationException("The repository root (Directory.Build.props) was not found above the test output.");
            }

            var path = Path.Combine(repositoryRoot.FullName, "functions", "InferenceFunction", "bin", configuration, testOutput.Name, "InferenceFunction.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build functions/InferenceFunction first; the test runs its output as a process.", path);
        }
    }
}
