using System.Xml.Linq;

namespace Components.Tests.Layering;

/// <summary>
/// One .csproj as the layer rules see it: its name, its folder, the projects it references and the source files it
/// compiles by an explicit path (each as a full path, resolved against the project's folder as MSBuild does).
/// </summary>
internal sealed record ProjectFile(string Name, string Directory, IReadOnlyList<string> References, IReadOnlyList<string> CompiledFiles)
{
    /// <summary>Folders that hold build output or npm trees, never a project of ours.</summary>
    private static readonly string[] Skipped = ["bin", "obj", "node_modules"];

    /// <summary>Every project under the repository's source folders.</summary>
    public static IReadOnlyList<ProjectFile> All(string repositoryRoot) =>
        new[] { "components", "stacks", "functions", "tests", "benchmarks" }
            .Select(folder => Path.Combine(repositoryRoot, folder))
            .Where(System.IO.Directory.Exists)
            .SelectMany(ProjectPaths)
            .Select(Read)
            .ToList();

    public static ProjectFile Read(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var items = XDocument.Load(path).Descendants().Where(e => e.Parent?.Name.LocalName == "ItemGroup").ToList();
        string Resolve(string include) => Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')));
        return new ProjectFile(
            Path.GetFileNameWithoutExtension(path),
            directory,
            items.Where(e => e.Name.LocalName == "ProjectReference").Select(e => Resolve((string)e.Attribute("Include")!)).ToList(),
            items.Where(e => e.Name.LocalName == "Compile" && e.Attribute("Include") is not null).Select(e => Resolve((string)e.Attribute("Include")!)).ToList());
    }

    /// <summary>True when <paramref name="path"/> lies inside this project's folder (or below it).</summary>
    public bool Contains(string path) =>
        path.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> ProjectPaths(string folder) =>
        System.IO.Directory.EnumerateFiles(folder, "*.csproj")
            .Concat(System.IO.Directory.EnumerateDirectories(folder)
                .Where(d => !Skipped.Contains(Path.GetFileName(d)) && !Path.GetFileName(d).StartsWith('.'))
                .SelectMany(ProjectPaths));
}
