namespace Infra.Core;

/// <summary>A file or string the engine uploads, such as a Lambda handler file.</summary>
public abstract class Asset : IProgramValueSource
{
    public abstract ProgramValue ToProgramValue();
}

/// <summary>A local file (<c>fn::fileAsset</c>); the path is relative to the program directory.</summary>
public sealed class FileAsset(string path) : Asset
{
    public string Path { get; } = path;

    public override ProgramValue ToProgramValue() => new FunctionValue("fn::fileAsset", new LiteralValue(Path));
}

/// <summary>Inline text (<c>fn::stringAsset</c>).</summary>
public sealed class StringAsset(string text) : Asset
{
    public override ProgramValue ToProgramValue() => new FunctionValue("fn::stringAsset", new LiteralValue(text));
}

/// <summary>A set of files the engine zips, such as Lambda code.</summary>
public abstract class Archive : IProgramValueSource
{
    public abstract ProgramValue ToProgramValue();
}

/// <summary>A folder or an existing archive file (<c>fn::fileArchive</c>), relative to the program directory.</summary>
public sealed class FileArchive(string path) : Archive
{
    public string Path { get; } = path;

    public override ProgramValue ToProgramValue() => new FunctionValue("fn::fileArchive", new LiteralValue(Path));
}

/// <summary>An archive assembled from named assets and archives (<c>fn::assetArchive</c>).</summary>
public sealed class AssetArchive(IReadOnlyDictionary<string, IProgramValueSource> members) : Archive
{
    public override ProgramValue ToProgramValue() =>
        new FunctionValue("fn::assetArchive", new MapValue(members.ToDictionary(m => m.Key, m => m.Value.ToProgramValue(), StringComparer.Ordinal)));
}
