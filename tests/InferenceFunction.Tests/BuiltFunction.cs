using TestModels;

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

    /// <summary>The repository root, above the test output.</summary>
    public static string RepositoryRoot => RepositoryFolder.Root;
}
