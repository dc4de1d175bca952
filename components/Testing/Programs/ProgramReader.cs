using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Infra.Testing.Programs;

/// <summary>Reads a Pulumi YAML (or JSON) program into a <see cref="ProgramDocument"/>.</summary>
public static class ProgramReader
{
    // Project-file keys that may share the program file; they carry nothing to type-check.
    private static readonly HashSet<string> IgnoredSections =
        ["name", "namespace", "description", "version", "runtime", "main", "pulumi", "packages", "stackConfigDir", "backend", "options", "template", "plugins"];

    private static readonly HashSet<string> ResourceKeys = ["type", "name", "defaultProvider", "properties", "options", "get"];

    public static ProgramDocument Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new ProgramFormatException($"not valid YAML: {error.InnerException?.Message ?? error.Message}", new SourceMark((int)error.Start.Line, (int)error.Start.Column));
        }
        if (stream.Documents.Count != 1)
            throw new ProgramFormatException($"expected one YAML document, found {stream.Documents.Count}", new SourceMark(1, 1));
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ProgramFormatException("the program must be a mapping with config, variables, resources and outputs", ExpressionReader.MarkOf(stream.Documents[0].RootNode));

        var config = new List<ConfigEntry>();
        var variables = new List<VariableEntry>();
        var resources = new List<ResourceEntry>();
        var outputs = new List<OutputEntry>();
        foreach (var (keyNode, section) in root.Children)
        {
            var key = ExpressionReader.ReadKey(keyNode);
            switch (key)
            {
                case "config" or "configuration":
                    config.AddRange(Entries(section, key).Select(e => ReadConfig(e.Name, e.Node)));
                    break;
                case "variables":
                    variables.AddRange(Entries(section, key).Select(e => new VariableEntry(e.Name, ExpressionReader.Read(e.Node), e.Mark)));
                    break;
                case "resources":
                    resources.AddRange(Entries(section, key).Select(e => ReadResource(e.Name, e.Node, e.Mark)));
                    break;
                case "outputs":
                    outputs.AddRange(Entries(section, key).Select(e => new OutputEntry(e.Name, ExpressionReader.Read(e.Node), e.Mark)));
                    break;
                default:
                    if (!IgnoredSections.Contains(key))
                        throw new ProgramFormatException($"unknown top-level section '{key}' (expected config, variables, resources, outputs)", ExpressionReader.MarkOf(keyNode));
                    break;
            }
        }
        return new ProgramDocument(config, variables, resources, outputs);
    }

    private static IEnumerable<(string Name, YamlNode Node, SourceMark Mark)> Entries(YamlNode section, string sectionName)
    {
        if (section is YamlScalarNode { Value: "" or null }) yield break;
        if (section is not YamlMappingNode mapping)
            throw new ProgramFormatException($"'{sectionName}' must be a mapping", ExpressionReader.MarkOf(section));
        foreach (var (key, value) in mapping.Children)
        {
            yield return (ExpressionReader.ReadKey(key), value, ExpressionReader.MarkOf(key));
        }
    }

    private static ResourceEntry ReadResource(string name, YamlNode node, SourceMark mark)
    {
        if (node is not YamlMappingNode mapping)
            throw new ProgramFormatException($"resource '{name}' must be a mapping with 'type' and 'properties'", mark);

        string? type = null;
        var typeMark = mark;
        var propertiesMark = mark;
        Expr? resourceName = null, properties = null;
        ObjectExpr? options = null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ExpressionReader.ReadKey(keyNode);
            switch (key)
            {
                case "type":
                    type = (valueNode as YamlScalarNode)?.Value
                        ?? throw new ProgramFormatException($"resource '{name}': 'type' must be a type token string", ExpressionReader.MarkOf(valueNode));
                    typeMark = ExpressionReader.MarkOf(valueNode);
                    break;
                case "name":
                    resourceName = ExpressionReader.Read(valueNode);
                    break;
                case "properties":
                    properties = ExpressionReader.Read(valueNode);
                    propertiesMark = ExpressionReader.MarkOf(keyNode);
                    break;
                case "options":
                    options = ExpressionReader.Read(valueNode) as ObjectExpr
                        ?? throw new ProgramFormatException($"resource '{name}': 'options' must be a mapping", ExpressionReader.MarkOf(valueNode));
                    break;
                case "defaultProvider":
                    break; // only tells the engine to use a provider resource as the default; nothing to type-check
                case "get":
                    throw new ProgramFormatException($"resource '{name}': 'get' (reading an existing resource) is not supported by the schema check", ExpressionReader.MarkOf(keyNode));
                default:
                    throw new ProgramFormatException(
                        $"resource '{name}' has unknown key '{key}' (allowed: {string.Join(", ", ResourceKeys)})", ExpressionReader.MarkOf(keyNode));
            }
        }
        if (type is null) throw new ProgramFormatException($"resource '{name}' has no 'type'", mark);
        return new ResourceEntry(name, type, typeMark, resourceName, properties, propertiesMark, options, mark);
    }

    private static ConfigEntry ReadConfig(string name, YamlNode node)
    {
        var mark = ExpressionReader.MarkOf(node);
        if (node is not YamlMappingNode mapping)
            return new ConfigEntry(name, ConfigTypes.Infer(ExpressionReader.Read(node), name), false, mark);

        string? declaredType = null;
        Expr? sample = null;
        var secret = false;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (ExpressionReader.ReadKey(keyNode))
            {
                case "type":
                    declaredType = (valueNode as YamlScalarNode)?.Value;
                    break;
                case "secret":
                    secret = ExpressionReader.Read(valueNode) is BoolExpr { Value: true };
                    break;
                case "default" or "value":
                    sample = ExpressionReader.Read(valueNode);
                    break;
                default:
                    break; // description, items, name: not part of the value's type
            }
        }
        var type = declaredType is not null ? ConfigTypes.FromDeclared(declaredType, name, mark)
            : sample is not null ? ConfigTypes.Infer(sample, name)
            : "string";
        return new ConfigEntry(name, type, secret, mark);
    }
}
