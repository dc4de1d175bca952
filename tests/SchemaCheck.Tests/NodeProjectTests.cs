using SchemaCheck.Checking;

namespace SchemaCheck.Tests;

public class NodeProjectTests
{
    private const string PackageJson = """{ "name": "empty", "version": "1.0.0", "private": true }""";

    private static string Lock(string version) => $$"""
        { "name": "empty", "version": "{{version}}", "lockfileVersion": 3, "requires": true,
          "packages": { "": { "name": "empty", "version": "{{version}}" } } }
        """;

    [Fact]
    public void Npm_ci_runs_when_node_modules_is_missing_or_the_lock_file_changed_and_not_otherwise()
    {
        var directory = Directory.CreateTempSubdirectory("schema-check-npm-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "package.json"), PackageJson);
            File.WriteAllText(Path.Combine(directory, "package-lock.json"), Lock("1.0.0"));
            var project = new NodeProject(directory);
            var log = new StringWriter();

            Assert.NotNull(project.EnsureInstalled(log));
            Assert.Contains("npm ci", log.ToString(), StringComparison.Ordinal);
            Assert.Null(project.EnsureInstalled(log));

            File.WriteAllText(Path.Combine(directory, "package.json"), PackageJson.Replace("1.0.0", "1.0.1", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(directory, "package-lock.json"), Lock("1.0.1"));
            Assert.NotNull(project.EnsureInstalled(log));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_folder_without_a_lock_file_is_rejected()
    {
        var directory = Directory.CreateTempSubdirectory("schema-check-npm-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => new NodeProject(directory));
            Assert.Contains("no package-lock.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
