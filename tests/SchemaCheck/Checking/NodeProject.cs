using System.Reflection;
using Infra.Testing.Node;

namespace SchemaCheck.Checking;

/// <summary>
/// The node side of the check: package.json / package-lock.json (exact pins), checker/check.js and node_modules,
/// installed by the testing kit's <see cref="NodeFolder"/>.
/// </summary>
public sealed class NodeProject
{
    private readonly NodeFolder _folder;

    public NodeProject(string? directory = null)
    {
        var path = Path.GetFullPath(directory ?? BuiltInDirectory());
        _folder = File.Exists(Path.Combine(path, "package-lock.json")) ? new NodeFolder(path)
            : throw new InvalidOperationException($"no package-lock.json in {path}: pass the SchemaCheck source folder");
    }

    public string Directory => _folder.Directory;

    public string CheckerScript => Path.Combine(Directory, "checker", "check.js");

    /// <summary>Where generated modules go: under the project, so that they resolve its node_modules.</summary>
    public string GeneratedRoot => Path.Combine(Directory, "obj", "generated");

    /// <summary>Runs npm ci if needed (output to <paramref name="log"/>) and returns how long it took, or null when it was not needed.</summary>
    public TimeSpan? EnsureInstalled(TextWriter log) => _folder.EnsureInstalled(log);

    private static string BuiltInDirectory() =>
        typeof(NodeProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SchemaCheck.NodeProjectDirectory")?.Value
        ?? throw new InvalidOperationException("the build did not record the SchemaCheck source folder");
}
