namespace Infra.Testing.Programs;

/// <summary>Line and column (1-based) of a node in the YAML program.</summary>
public readonly record struct SourceMark(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>A value in a Pulumi YAML program, parsed the way pulumi-yaml parses it.</summary>
public abstract record Expr(SourceMark Mark);

public sealed record NullExpr(SourceMark Mark) : Expr(Mark);

public sealed record BoolExpr(bool Value, SourceMark Mark) : Expr(Mark);

/// <summary>A number, kept as a JavaScript numeric literal.</summary>
public sealed record NumberExpr(string Literal, SourceMark Mark) : Expr(Mark);

public sealed record StringExpr(string Value, SourceMark Mark) : Expr(Mark);

/// <summary>A string that is exactly <c>${x.y}</c>: it keeps the type of what it names.</summary>
public sealed record SymbolExpr(PropertyAccess Access, SourceMark Mark) : Expr(Mark);

/// <summary>A string mixing text and <c>${...}</c> references.</summary>
public sealed record InterpolateExpr(IReadOnlyList<InterpolationPart> Parts, SourceMark Mark) : Expr(Mark);

/// <summary>Literal text followed by an optional reference.</summary>
public sealed record InterpolationPart(string Text, PropertyAccess? Access);

public sealed record ListExpr(IReadOnlyList<Expr> Items, SourceMark Mark) : Expr(Mark);

public sealed record ObjectExpr(IReadOnlyList<ObjectEntry> Entries, SourceMark Mark) : Expr(Mark);

public sealed record ObjectEntry(string Key, SourceMark KeyMark, Expr Value);

/// <summary>A built-in function such as <c>fn::join</c>, by its canonical name.</summary>
public sealed record BuiltinExpr(string Name, Expr Argument, SourceMark Mark) : Expr(Mark);

/// <summary><c>fn::invoke</c>: a provider function call.</summary>
public sealed record InvokeExpr(
    string Function,
    SourceMark FunctionMark,
    ObjectExpr? Arguments,
    ObjectExpr? Options,
    string? Return,
    SourceMark Mark) : Expr(Mark);
