using System.Text;

namespace SchemaCheck.TypeScript;

/// <summary>Builds TypeScript text and records which YAML place produced each range of it.</summary>
public sealed class TypeScriptWriter
{
    private readonly StringBuilder text = new();
    private readonly List<SourceSpan> spans = [];
    private readonly List<TokenCheck> tokenChecks = [];

    public int Position => text.Length;

    public TypeScriptWriter Write(string value)
    {
        text.Append(value);
        return this;
    }

    /// <summary>Writes what <paramref name="body"/> writes, attributed to <paramref name="location"/>.</summary>
    public void Span(SourceLocation location, Action body)
    {
        var start = Position;
        body();
        spans.Add(new SourceSpan(start, Position, location));
    }

    /// <summary>Writes a class or function path whose Pulumi token the checker will verify.</summary>
    public void WriteTypeReference(string yamlToken, TypeTarget target, SourceLocation location, bool isFunction)
    {
        var start = Position;
        Span(location, () => Write(target.TypeScriptPath));
        tokenChecks.Add(new TokenCheck(start, Position, yamlToken, target, location, isFunction));
    }

    public GeneratedModule ToModule() => new(text.ToString(), spans.ToList(), tokenChecks.ToList());
}
