using SchemaCheck.Checking;

namespace SchemaCheck.Tests;

/// <summary>
/// Checks every program under Programs/ (the valid sample and each deliberately broken one) in ONE checker
/// run: loading the @pulumi/aws declarations dominates the cost, so the tests share it.
/// </summary>
public sealed class CheckedProgramsFixture
{
    public CheckedProgramsFixture()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Programs");
        var files = Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Report = new SchemaChecker().CheckFiles(files);
        ByName = Report.Programs.ToDictionary(p => Path.GetRelativePath(root, p.Name).Replace('\\', '/'));
    }

    public CheckReport Report { get; }

    /// <summary>Results by path relative to Programs/, e.g. "broken/wrong-type.yaml".</summary>
    public IReadOnlyDictionary<string, ProgramResult> ByName { get; }
}

/// <summary>Tests that start node share this collection so that two TypeScript compiles never compete for the 2 cores.</summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<CheckedProgramsFixture>
{
    public const string Name = "node";
}
