namespace Infra.Testing.Programs;

/// <summary>A Pulumi YAML program: the sections that carry types.</summary>
public sealed record ProgramDocument(
    IReadOnlyList<ConfigEntry> Config,
    IReadOnlyList<VariableEntry> Variables,
    IReadOnlyList<ResourceEntry> Resources,
    IReadOnlyList<OutputEntry> Outputs);

/// <summary>A config key; <paramref name="Type"/> is the TypeScript type of its value.</summary>
public sealed record ConfigEntry(string Name, string Type, bool Secret, SourceMark Mark);

public sealed record VariableEntry(string Name, Expr Value, SourceMark Mark);

/// <summary>A resource; <paramref name="Name"/> is its logical name (the key under <c>resources</c>).</summary>
public sealed record ResourceEntry(
    string Name,
    string Type,
    SourceMark TypeMark,
    Expr? ResourceName,
    Expr? Properties,
    SourceMark PropertiesMark,
    ObjectExpr? Options,
    SourceMark Mark);

public sealed record OutputEntry(string Name, Expr Value, SourceMark Mark);
