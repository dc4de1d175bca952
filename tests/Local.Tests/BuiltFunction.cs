namespace Local.Tests;

/// <summary>The inference function as built next to this test run (same configuration), to start as a real process.</summary>
internal static class BuiltFunction
{
    public static string AssemblyPath
    {
        get
        {
            // .../tests/Local.Tests/bin/<Configuration>/net10.0/
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(Repository.Root, "functions", "InferenceFunction", "bin", testOutput.Parent!.Name, testOutput.Name, "InferenceFunction.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build functions/InferenceFunction first; the test runs its output as a process.", path);
        }
    }

    /// <summary>The models in this test's output: ppocr-cls, from TinyModel.targets.</summary>
    public static string ModelDirectory => Path.Combine(AppContext.BaseDirectory, "models");
}
