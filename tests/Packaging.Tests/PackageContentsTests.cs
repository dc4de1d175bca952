using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using TestModels;

namespace Packaging.Tests;

/// <summary>What deploy/pack.sh produces: the package list, each package's metadata, docs and sources, and the function package's tree.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageContentsTests(PackedFeed feed)
{
    /// <summary>Library packages: id and the assembly it ships (assembly names stayed Infra.*).</summary>
    private static readonly Dictionary<string, string> Libraries = new(StringComparer.Ordinal)
    {
        ["MlServing.Core"] = "Infra.Core",
        ["MlServing.Aws"] = "Infra.Aws",
        ["MlServing.Contracts"] = "Inference.Contracts",
        ["MlServing.Configuration"] = "Infra.Configuration",
        ["MlServing.Components"] = "Infra.Components",
        ["MlServing.Policy"] = "Infra.Policy",
        ["MlServing.Preview"] = "Infra.Preview",
        ["MlServing.Hosting"] = "Infra.Hosting",
        ["MlServing.LambdaEmulator"] = "LambdaEmulator",
        ["MlServing.Local"] = "Infra.Local",
        ["MlServing.Registry"] = "Infra.Registry",
        ["MlServing.Testing"] = "Infra.Testing",
        ["MlServing.Sdk"] = "Infra.Sdk",
    };

    private static IEnumerable<string> AllIds => Libraries.Keys.Append("MlServing.Function").Append("MlServing.Templates");

    /// <summary>The embedded-source record of a portable PDB document (the Portable PDB format's EmbeddedSource kind).</summary>
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private static string? Text(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static XElement? Element(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    [Fact]
    public void The_feed_holds_exactly_the_packable_projects_at_the_one_version()
    {
        var expected = AllIds.Select(id => $"{id}.{feed.Version}.nupkg").Order(StringComparer.Ordinal);

        Assert.Equal(expected, feed.PackageFiles.Select(Path.GetFileName));
    }

    [Fact]
    public void Every_package_has_its_id_version_licence_readme_repository_and_description()
    {
        var problems = new List<string>();
        foreach (var id in AllIds)
        {
            var metadata = feed.Metadata(id);
            var entries = feed.Entries(id);
            void Expect(bool condition, string what)
            {
                if (!condition)
                {
                    problems.Add($"{id}: {what}");
                }
            }

            Expect(Text(metadata, "id") == id, $"id is '{Text(metadata, "id")}'");
            Expect(Text(metadata, "version") == feed.Version, $"version is '{Text(metadata, "version")}', expected {feed.Version} (Directory.Build.props)");
            Expect(Text(metadata, "authors") == "ml-serving team", $"authors is '{Text(metadata, "authors")}'");
            var license = Element(metadata, "license");
            Expect(license?.Attribute("type")?.Value == "expression" && license.Value == "Apache-2.0", $"license is '{license}'");
            Expect(Text(metadata, "readme") == "README.md" && entries.Contains("README.md"), "no packed README.md");
            Expect(entries.Contains("LICENSE"), "no packed LICENSE");
            Expect(Element(metadata, "repository")?.Attribute("url")?.Value == "https://github.com/ml-serving/ml-serving", $"repository is '{Element(metadata, "repository")}'");
            Expect(Text(metadata, "projectUrl") == "https://github.com/ml-serving/ml-serving", $"projectUrl is '{Text(metadata, "projectUrl")}'");
            Expect(!string.IsNullOrWhiteSpace(Text(metadata, "description")) && Text(metadata, "description") != "Package Description", $"description is '{Text(metadata, "description")}'");
            Expect(Text(metadata, "tags")?.Contains("pulumi", StringComparison.Ordinal) == true, $"tags are '{Text(metadata, "tags")}'");
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_library_package_ships_its_xml_docs_and_a_pdb_with_every_source_embedded()
    {
        var problems = new List<string>();
        foreach (var (id, assembly) in Libraries)
        {
            var entries = feed.Entries(id);
            foreach (var file in new[] { ".dll", ".xml", ".pdb" }.Select(extension => $"lib/net10.0/{assembly}{extension}").Where(f => !entries.Contains(f)))
            {
                problems.Add($"{id} has no {file}");
            }

            if (!entries.Contains($"lib/net10.0/{assembly}.pdb"))
            {
                continue;
            }

            var docs = XDocument.Parse(System.Text.Encoding.UTF8.GetString(feed.Entry(id, $"lib/net10.0/{assembly}.xml")));
            if (docs.Root?.Element("assembly")?.Element("name")?.Value != assembly)
            {
                problems.Add($"{id}: {assembly}.xml documents '{docs.Root?.Element("assembly")?.Element("name")?.Value}'");
            }

            using var pdb = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(feed.Entry(id, $"lib/net10.0/{assembly}.pdb")));
            var reader = pdb.GetMetadataReader();
            var embedded = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Where(info => reader.GetGuid(info.Kind) == EmbeddedSource && info.Parent.Kind == HandleKind.Document)
                .Select(info => (DocumentHandle)info.Parent)
                .ToHashSet();
            var sources = reader.Documents.Where(d => reader.GetString(reader.GetDocument(d).Name).EndsWith(".cs", StringComparison.Ordinal)).ToList();
            if (sources.Count == 0)
            {
                problems.Add($"{id}: {assembly}.pdb lists no C# sources");
            }

            problems.AddRange(sources.Where(d => !embedded.Contains(d)).Take(3)
                .Select(d => $"{id}: {reader.GetString(reader.GetDocument(d).Name)} is not embedded in {assembly}.pdb"));

            using var dll = new PEReader(new MemoryStream(feed.Entry(id, $"lib/net10.0/{assembly}.dll")));
            if (dll.ReadDebugDirectory().All(entry => entry.Type != DebugDirectoryEntryType.CodeView))
            {
                problems.Add($"{id}: {assembly}.dll names no PDB");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void The_sdk_brings_the_components_the_host_local_mode_the_registry_and_the_function()
    {
        var dependencies = feed.Metadata("MlServing.Sdk").Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e);

        Assert.Superset(new HashSet<string> { "MlServing.Components", "MlServing.Hosting", "MlServing.Local", "MlServing.Registry", "MlServing.Function" }, dependencies.Keys.ToHashSet());
        Assert.All(dependencies.Values, d => Assert.Equal(feed.Version, d.Attribute("version")?.Value));
        // The function package is a build step: a dependency that excluded build assets would leave the team without the tree.
        var function = dependencies["MlServing.Function"];
        Assert.DoesNotContain("Build", function.Attribute("exclude")?.Value ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_function_package_carries_the_functions_source_tree_and_its_build_step_and_nothing_built()
    {
        const string Tree = "mlserving-function/";
        var entries = feed.Entries("MlServing.Function");
        var root = RepositoryFolder.Root;
        var expected = new[]
            {
                "global.json", "Directory.Build.props", "Directory.Packages.props", "functions/Dockerfile", "functions/Dockerfile.dockerignore",
                "functions/Dockerfile.gpu", "functions/Dockerfile.gpu.dockerignore",
            }
            .Concat(new[] { "functions/Contracts", "functions/Inference", "functions/InferenceFunction", "functions/InferenceServer" }
                .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
                .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
                .Where(path => !path.Split('/').Any(part => part is "bin" or "obj")))
            .Select(path => Tree + path);

        Assert.Empty(expected.Except(entries));
        Assert.Contains(Tree + "functions/InferenceFunction/Properties/PublishProfiles/NativeAot.pubxml", entries);
        Assert.Contains(Tree + "functions/Inference/build/OnnxRuntimeLinux.targets", entries);
        Assert.Contains(Tree + "functions/Inference/models/resnet18/model.json", entries);
        Assert.Contains(Tree + "functions/InferenceServer/InferenceServer.csproj", entries); // the GPU image's server
        Assert.Contains("buildTransitive/MlServing.Function.targets", entries);
        Assert.Equal(feed.Version, System.Text.Encoding.UTF8.GetString(feed.Entry("MlServing.Function", Tree + "mlserving-function.version")).Trim());
        Assert.DoesNotContain(entries, e => e.Split('/').Any(part => part is "bin" or "obj" or ".build" or "node_modules"));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.EndsWith(".dll", StringComparison.Ordinal) || e.EndsWith(".onnx", StringComparison.Ordinal));
    }
}
