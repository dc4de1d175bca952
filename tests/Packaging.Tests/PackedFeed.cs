using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TestModels;

namespace Packaging.Tests;

/// <summary>
/// deploy/pack.sh run once for the test run (packing builds every packable project in Release: minutes) into a
/// temporary folder feed, with the version of the one version source.
/// </summary>
public sealed partial class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mlserving-feed-").FullName;
        Version = VersionSource();
        CommandStep.Run("deploy/pack.sh", "sh", [Path.Combine(RepositoryFolder.Root, "deploy", "pack.sh"), Directory], RepositoryFolder.Root, CommandStep.NoChanges, CommandStep.DefaultLimit).AssertSucceeded();
    }

    /// <summary>The feed folder.</summary>
    public string Directory { get; }

    /// <summary>VersionPrefix in Directory.Build.props: what every package must carry.</summary>
    public string Version { get; }

    public IReadOnlyList<string> PackageFiles => System.IO.Directory.GetFiles(Directory, "*.nupkg").Order(StringComparer.Ordinal).ToList();

    public string PackagePath(string id) => Path.Combine(Directory, $"{id}.{Version}.nupkg");

    /// <summary>The package's nuspec, its metadata element.</summary>
    public XElement Metadata(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        var nuspec = zip.Entries.Single(e => e.FullName == $"{id}.nuspec");
        using var stream = nuspec.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    public IReadOnlyList<string> Entries(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    public byte[] Entry(string id, string path)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        using var stream = zip.GetEntry(path)?.Open() ?? throw new InvalidOperationException($"{id} has no {path}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string VersionSource()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "Directory.Build.props"));
        return VersionPrefix().Match(props) is { Success: true } match
            ? match.Groups["version"].Value
            : throw new InvalidOperationException("Directory.Build.props has no VersionPrefix");
    }

    [GeneratedRegex("<VersionPrefix>(?<version>[^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
