namespace Infra.Core;

/// <summary>A named value in the program's <c>variables</c> section, e.g. the result of an invoke.</summary>
public sealed class Variable : ISymbol
{
    internal Variable(string name, ProgramValue value)
    {
        Name = name;
        Value = value;
    }

    public string Name { get; }

    public ProgramValue Value { get; }
}

/// <summary>A key of the program's <c>config</c> section, read by the engine (used for secrets).</summary>
public sealed class ConfigSymbol : ISymbol
{
    internal ConfigSymbol(string name, string type, bool secret)
    {
        Name = name;
        Type = type;
        Secret = secret;
    }

    public string Name { get; }

    /// <summary>The YAML config type: string, integer, boolean, or List&lt;String&gt;.</summary>
    public string Type { get; }

    public bool Secret { get; }
}
