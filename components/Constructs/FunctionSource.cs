using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Where the inference function's buildable source lives, for every build of it: <c>functionBuild</c>'s publishes
/// (deploy/function-build.sh, told by <c>function-builds</c>), serve's publish, and the container image's build context.
/// In this repository it is the project root (it has <see cref="ProjectFromRoot"/>). In a team's repository it is the
/// tree that the package MlServing.Function copies beside the stack program (<see cref="ShippedFolder"/>), materialized
/// into <see cref="MaterializedFromRoot"/> under the project root, so that paths in the synthesized program stay
/// relative to the project and do not change between machines or package restores.
/// </summary>
public sealed class FunctionSource
{
    /// <summary>The function's project, from the source root.</summary>
    public const string ProjectFromRoot = "functions/InferenceFunction/InferenceFunction.csproj";

    /// <summary>The folder beside the stack program's assembly where MlServing.Function's build step puts the tree.</summary>
    public const string ShippedFolder = "mlserving-function";

    /// <summary>Where a shipped tree is materialized, from the project root.</summary>
    public const string MaterializedFromRoot = ".build/function-source";

    /// <summary>The file at the tree's root that holds the package version it came with.</summary>
    public const string VersionFile = "mlserving-function.version";

    private readonly ProjectLayout _layout;

    private FunctionSource(ProjectLayout layout, string pathFromRoot)
    {
        _layout = layout;
        PathFromRoot = pathFromRoot;
    }

    /// <summary>The source root from the project root: <c>.</c> or <see cref="MaterializedFromRoot"/>.</summary>
    public string PathFromRoot { get; }

    /// <summary>The source root on this machine.</summary>
    public string RootDirectory => Path.GetFullPath(Path.Combine(_layout.RootDirectory, PathFromRoot));

    /// <summary>The function's project file on this machine.</summary>
    public string ProjectFile => Path.Combine(RootDirectory, ProjectFromRoot);

    /// <summary>The container image's build context (<see cref="ContainerInferenceApiArgs.BuildContext"/>): the source root, whose <c>functions/Dockerfile</c> is the default.</summary>
    public CodeDirectory BuildContext => CodeDirectory.FromProject(_layout, PathFromRoot);

    /// <summary>The source of the project at <paramref name="layout"/>, with the tree shipped beside this program.</summary>
    public static FunctionSource Resolve(ProjectLayout layout) => Resolve(layout, Path.Combine(AppContext.BaseDirectory, ShippedFolder));

    /// <summary>
    /// The project's own source when it has the function's project; otherwise <paramref name="shippedTree"/> copied into
    /// <see cref="MaterializedFromRoot"/>, again only when the version recorded there differs from the shipped one.
    /// </summary>
    public static FunctionSource Resolve(ProjectLayout layout, string shippedTree)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(shippedTree);
        if (File.Exists(Path.Combine(layout.RootDirectory, ProjectFromRoot)))
        {
            return new FunctionSource(layout, ".");
        }

        var shippedVersion = VersionOf(shippedTree) ?? throw new InvalidOperationException(
            $"The inference function's source was not found: {layout.RootDirectory} has no {ProjectFromRoot}, and {shippedTree} has no {VersionFile}. " +
            "Reference the package MlServing.Sdk (it brings MlServing.Function, whose build copies the source there) and build the stack project.");
        var target = Path.Combine(layout.RootDirectory, MaterializedFromRoot);
        if (VersionOf(target) != shippedVersion)
        {
            Materialize(shippedTree, target, shippedVersion);
        }

        return new FunctionSource(layout, MaterializedFromRoot);
    }

    private static string? VersionOf(string tree)
    {
        var file = Path.Combine(tree, VersionFile);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>
    /// Copies into a fresh folder beside the target, then swaps it in, so that a reader never sees half a tree. Every
    /// file is written now: its time is newer than any earlier build, so the stale checks rebuild the function.
    /// </summary>
    private static void Materialize(string shippedTree, string target, string version)
    {
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $"{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        foreach (var file in Directory.EnumerateFiles(shippedTree, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(staging, Path.GetRelativePath(shippedTree, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.WriteAllBytes(copy, File.ReadAllBytes(file));
        }

        if (Directory.Exists(target))
        {
            var old = $"{staging}.old";
            Directory.Move(target, old);
            Directory.Delete(old, recursive: true);
        }

        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (VersionOf(target) == version)
        {
            // Another process (Pulumi runs the program several times at once) put the same version there first.
            Directory.Delete(staging, recursive: true);
        }
    }
}
