using System.Text.RegularExpressions;
using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>The TypeScript constant behind each name a <c>${...}</c> reference can start from.</summary>
public sealed partial class SymbolTable
{
    private readonly Dictionary<string, (string Identifier, ProgramEntity Entity)> names = new(StringComparer.Ordinal);
    private readonly HashSet<string> identifiers = new(StringComparer.Ordinal);

    /// <summary>Declares a name; <paramref name="prefix"/> keeps resources, variables and config apart in TypeScript.</summary>
    public string Declare(string prefix, ProgramEntity entity, SourceMark mark)
    {
        if (names.TryGetValue(entity.Name, out var existing))
            throw new ProgramFormatException($"{entity} has the same name as {existing.Entity}", mark);
        var stem = prefix + NonIdentifierCharacters().Replace(entity.Name, "_");
        var identifier = stem;
        for (var n = 2; !identifiers.Add(identifier); n++) identifier = $"{stem}_{n}";
        names[entity.Name] = (identifier, entity);
        return identifier;
    }

    /// <summary>The TypeScript expression for the root of a reference.</summary>
    public string Resolve(string name, SourceMark mark)
    {
        if (names.TryGetValue(name, out var declared)) return declared.Identifier;
        if (name == "pulumi") return "yaml.pulumi";
        throw new ProgramFormatException($"'${{{name}}}' names no resource, variable or config key of this program", mark);
    }

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex NonIdentifierCharacters();
}
