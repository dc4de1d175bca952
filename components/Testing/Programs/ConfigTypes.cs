namespace Infra.Testing.Programs;

/// <summary>Maps Pulumi YAML config types (String, Integer, Number, Boolean, List&lt;T&gt;) to TypeScript types.</summary>
public static class ConfigTypes
{
    public static string FromDeclared(string declared, string key, SourceMark mark)
    {
        var trimmed = declared.Trim();
        if (trimmed.StartsWith("List<", StringComparison.OrdinalIgnoreCase) && trimmed.EndsWith('>'))
            return FromDeclared(trimmed[5..^1], key, mark) + "[]";
        return trimmed.ToLowerInvariant() switch
        {
            "string" => "string",
            "integer" or "int" or "number" => "number",
            "boolean" or "bool" => "boolean",
            _ => throw new ProgramFormatException(
                $"config '{key}' has unknown type '{declared}' (allowed: String, Integer, Number, Boolean, List<...>)", mark),
        };
    }

    public static string Infer(Expr sample, string key) => sample switch
    {
        NumberExpr => "number",
        BoolExpr => "boolean",
        ListExpr { Items: [var first, ..] } => Infer(first, key) + "[]",
        ListExpr => "string[]",
        ObjectExpr => "Record<string, unknown>",
        _ => "string",
    };
}
