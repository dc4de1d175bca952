using System.Reflection;
using Infra.Testing.Node;
using SchemaCheck.Checking;

namespace AwsSemantics.Tests.Catalog;

/// <summary>
/// The pinned npm packages that say what AWS accepts (Catalog/node: IAM reference data, the AWS SDK service models and
/// asl-validator), installed with <c>npm ci --ignore-scripts</c> at first use like the schema check's.
/// </summary>
public static class CatalogNode
{
    private static readonly Lazy<string> Installed = new(Install);

    /// <summary>The node project folder, with node_modules installed.</summary>
    public static string Directory => Installed.Value;

    public static string Modules => Path.Combine(Directory, "node_modules");

    /// <summary>Runs one of the folder's scripts with <paramref name="input"/> on stdin and returns its stdout.</summary>
    public static string RunScript(string script, string input)
    {
        var inputFile = Path.Combine(Path.GetTempPath(), $"aws-semantics-{Guid.NewGuid():N}.json");
        File.WriteAllText(inputFile, input);
        try
        {
            var run = ProcessRunner.Run("sh", ["-c", $"node \"{script}\" < \"{inputFile}\""], Directory);
            if (run.ExitCode != 0) throw new InvalidOperationException($"node {script} exited {run.ExitCode}: {run.StandardError}");
            return run.StandardOutput;
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    private static string Install()
    {
        var directory = typeof(CatalogNode).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AwsSemantics.CatalogNodeDirectory")?.Value
            ?? throw new InvalidOperationException("the build did not record the Catalog/node folder");
        new NodeProject(directory).EnsureInstalled(Console.Error);
        return directory;
    }
}
