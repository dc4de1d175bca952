namespace Infra.Core;

/// <summary>
/// A node of the synthesized program: a literal, a reference, an interpolation, a built-in
/// function call, a list or a map. Everything a resource property can hold lowers to this.
/// </summary>
public abstract record ProgramValue
{
    /// <summary>The program symbols (resources, variables, config keys) this value reads.</summary>
    internal abstract IEnumerable<ISymbol> Symbols { get; }
}

/// <summary>Something a program expression can name: a resource, a variable or a config key.</summary>
public interface ISymbol
{
    string Name { get; }
}

public sealed record LiteralValue(object? Value) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => [];
}

/// <summary><c>${symbol}</c> or <c>${symbol.path}</c>.</summary>
public sealed record ReferenceValue(ISymbol Target, string? Path) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => [Target];

    public string Render() => Path is null ? "${" + Target.Name + "}" : "${" + Target.Name + "." + Path + "}";
}

/// <summary>A string built from literal text and references, such as <c>arn:${a.b}/*</c>.</summary>
public sealed record InterpolationValue(IReadOnlyList<ProgramValue> Parts) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => Parts.SelectMany(p => p.Symbols);
}

/// <summary>A built-in function, rendered as a one-key map <c>fn::name: argument</c>.</summary>
public sealed record FunctionValue(string Function, ProgramValue Argument) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => Argument.Symbols;
}

public sealed record ListValue(IReadOnlyList<ProgramValue> Items) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => Items.SelectMany(i => i.Symbols);
}

/// <summary>A map whose keys are emitted in ordinal order, so output is deterministic.</summary>
public sealed record MapValue(IReadOnlyDictionary<string, ProgramValue> Entries) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => Entries.Values.SelectMany(v => v.Symbols);
}

/// <summary>The engine's own names, <c>${pulumi.stack}</c> and <c>${pulumi.project}</c>.</summary>
public sealed record BuiltinValue(string Expression) : ProgramValue
{
    internal override IEnumerable<ISymbol> Symbols => [];
}
