namespace TestModels;

/// <summary>The repository's root folder (the one holding Infra.sln), found by walking up from the test output.</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Infra.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Infra.sln was not found above the test output folder {AppContext.BaseDirectory}.");
    }
}
