using YamlDotNet.RepresentationModel;

namespace Infra.Core;

/// <summary>
/// Where the Pulumi project lives: the folder with <c>Pulumi.yaml</c>, its name, and the program
/// folder (<c>main:</c>) against which Pulumi resolves asset paths.
/// </summary>
public sealed record ProjectLayout(string RootDirectory, string ProjectName, string ProgramDirectory)
{
    public const string ProjectFileName = "Pulumi.yaml";

    /// <summary>The stack's config file, <c>Pulumi.&lt;stack&gt;.yaml</c> beside the project file.</summary>
    public string StackFile(string stackName) => Path.Combine(RootDirectory, $"Pulumi.{stackName}.yaml");

    /// <summary>A path given relative to the project root, as Pulumi must see it from the program folder.</summary>
    public string FromProgram(string pathFromRoot) =>
        Path.GetRelativePath(ProgramDirectory, Path.Combine(RootDirectory, pathFromRoot)).Replace('\\', '/');

    /// <summary>Finds the project by walking up from each start folder; the first hit wins.</summary>
    public static ProjectLayout Find(params string?[] startDirectories)
    {
        foreach (var start in startDirectories.Where(d => !string.IsNullOrEmpty(d)))
        {
            for (var directory = new DirectoryInfo(start!); directory is not null; directory = directory.Parent)
            {
                var file = Path.Combine(directory.FullName, ProjectFileName);
                if (File.Exists(file))
                {
                    return Load(directory.FullName, file);
                }
            }
        }

        throw new InvalidOperationException($"No {ProjectFileName} found above {string.Join(" or ", startDirectories.Where(d => !string.IsNullOrEmpty(d)))}.");
    }

    private static ProjectLayout Load(string root, string file)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(file))
        {
            stream.Load(reader);
        }

        var mapping = (YamlMappingNode)stream.Documents[0].RootNode;
        string? Scalar(string key) =>
            mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

        var name = Scalar("name") ?? throw new InvalidOperationException($"{file} has no 'name'.");
        var main = Scalar("main");
        return new ProjectLayout(root, name, main is null ? root : Path.GetFullPath(Path.Combine(root, main)));
    }
}
