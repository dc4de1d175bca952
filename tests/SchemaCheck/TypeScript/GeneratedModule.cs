using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>A named part of the YAML program: a resource, variable, output or config key.</summary>
public sealed record ProgramEntity(string Kind, string Name, string? Type = null)
{
    public override string ToString() => Type is null ? $"{Kind} '{Name}'" : $"{Kind} '{Name}' ({Type})";
}

/// <summary>A place in the YAML program: the entity, the property path inside it, and the line.</summary>
public sealed record SourceLocation(ProgramEntity? Entity, string Path, SourceMark Mark);

/// <summary>The text range of the generated TypeScript that came from one place in the YAML.</summary>
public sealed record SourceSpan(int Start, int End, SourceLocation Location);

/// <summary>A class or function reference in the generated code whose Pulumi token must match the YAML token.</summary>
public sealed record TokenCheck(int Start, int End, string YamlToken, TypeTarget Target, SourceLocation Location, bool IsFunction);

/// <summary>A TypeScript module generated from one YAML program, with the map back to the YAML.</summary>
public sealed record GeneratedModule(string Text, IReadOnlyList<SourceSpan> Spans, IReadOnlyList<TokenCheck> TokenChecks)
{
    /// <summary>The innermost YAML place that produced the code at <paramref name="offset"/>.</summary>
    public SourceLocation? Locate(int offset) => Spans
        .Where(span => span.Start <= offset && offset < span.End)
        .MinBy(span => span.End - span.Start)?.Location;
}
