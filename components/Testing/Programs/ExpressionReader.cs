using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Infra.Testing.Programs;

/// <summary>Turns a YAML node into an <see cref="Expr"/>, recognising built-in functions and interpolation.</summary>
public static partial class ExpressionReader
{
    // Canonical names of the built-ins that this check converts, keyed by their lower-case spelling
    // (pulumi-yaml matches them case-insensitively).
    private static readonly Dictionary<string, string> Builtins = new[]
    {
        "fn::invoke", "fn::toJSON", "fn::join", "fn::select", "fn::split", "fn::secret", "fn::unsecret",
        "fn::readFile", "fn::toBase64", "fn::fromBase64", "fn::sha1", "fn::fileArchive", "fn::assetArchive",
        "fn::fileAsset", "fn::stringAsset", "fn::remoteAsset", "fn::remoteArchive",
    }.ToDictionary(name => name.ToLowerInvariant(), name => name);

    private static readonly HashSet<string> TwoValuedListBuiltins = ["fn::join", "fn::select", "fn::split"];

    public static SourceMark MarkOf(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    public static Expr Read(YamlNode node) => node switch
    {
        YamlScalarNode scalar => ReadScalar(scalar),
        YamlSequenceNode sequence => new ListExpr(sequence.Children.Select(Read).ToList(), MarkOf(sequence)),
        YamlMappingNode mapping => ReadMapping(mapping),
        _ => throw new ProgramFormatException($"unsupported YAML node {node.NodeType}", MarkOf(node)),
    };

    /// <summary>A mapping key: always a plain string, never interpolated.</summary>
    public static string ReadKey(YamlNode key) => key is YamlScalarNode { Value: { } value }
        ? value
        : throw new ProgramFormatException("mapping keys must be strings", MarkOf(key));

    private static Expr ReadScalar(YamlScalarNode scalar)
    {
        var mark = MarkOf(scalar);
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (value is "" or "~" or "null" or "Null" or "NULL") return new NullExpr(mark);
            if (value is "true" or "True" or "TRUE") return new BoolExpr(true, mark);
            if (value is "false" or "False" or "FALSE") return new BoolExpr(false, mark);
            if (NumberLiteral(value) is { } number) return new NumberExpr(number, mark);
        }
        return InterpolationParser.Parse(value, mark);
    }

    // YAML 1.2 core-schema numbers, written back as JavaScript literals.
    private static string? NumberLiteral(string value)
    {
        if (DecimalNumber().IsMatch(value))
        {
            return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
        }
        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex.ToString(CultureInfo.InvariantCulture);
        }
        return value switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" => "Infinity",
            "-.inf" or "-.Inf" or "-.INF" => "-Infinity",
            ".nan" or ".NaN" or ".NAN" => "NaN",
            _ => null,
        };
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex DecimalNumber();

    private static Expr ReadMapping(YamlMappingNode mapping)
    {
        var mark = MarkOf(mapping);
        if (mapping.Children.Count == 1)
        {
            var (keyNode, valueNode) = mapping.Children.First();
            var key = ReadKey(keyNode);
            if (key.StartsWith("fn::", StringComparison.OrdinalIgnoreCase)) return ReadBuiltin(key, valueNode, mark);
        }

        var entries = new List<ObjectEntry>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            entries.Add(new ObjectEntry(ReadKey(keyNode), MarkOf(keyNode), Read(valueNode)));
        }
        return new ObjectExpr(entries, mark);
    }

    private static Expr ReadBuiltin(string key, YamlNode argument, SourceMark mark)
    {
        if (!Builtins.TryGetValue(key.ToLowerInvariant(), out var name))
        {
            // fn::aws:iam:getPolicyDocument: {...} is shorthand for fn::invoke.
            if (key.Count(c => c == ':') >= 3) return ReadInvokeShorthand(key[4..], argument, mark);
            throw new ProgramFormatException($"unsupported built-in function '{key}'", mark);
        }
        if (name == "fn::invoke") return ReadInvoke(argument, mark);

        var value = Read(argument);
        if (TwoValuedListBuiltins.Contains(name) && value is not ListExpr { Items.Count: 2 })
            throw new ProgramFormatException($"the argument to {name} must be a two-valued list", mark);
        if (name == "fn::assetArchive" && value is not ObjectExpr)
            throw new ProgramFormatException("the argument to fn::assetArchive must be an object", mark);
        return new BuiltinExpr(name, value, mark);
    }

    private static InvokeExpr ReadInvokeShorthand(string function, YamlNode argument, SourceMark mark) =>
        Read(argument) switch
        {
            ObjectExpr arguments => new InvokeExpr(function, mark, arguments, null, null, mark),
            NullExpr => new InvokeExpr(function, mark, null, null, null, mark),
            _ => throw new ProgramFormatException($"the arguments of fn::{function} must be an object", mark),
        };

    private static InvokeExpr ReadInvoke(YamlNode argument, SourceMark mark)
    {
        if (argument is not YamlMappingNode mapping)
            throw new ProgramFormatException("the argument to fn::invoke must be an object with 'function', 'arguments', 'options' and 'return'", mark);

        string? function = null, result = null;
        var functionMark = mark;
        ObjectExpr? arguments = null, options = null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ReadKey(keyNode);
            switch (key.ToLowerInvariant())
            {
                case "function":
                    function = ReadLiteralString(valueNode, "the function name ('function')");
                    functionMark = MarkOf(valueNode);
                    break;
                case "arguments":
                    arguments = Read(valueNode) as ObjectExpr
                        ?? throw new ProgramFormatException("function arguments ('arguments') must be an object", MarkOf(valueNode));
                    break;
                case "options":
                    options = Read(valueNode) as ObjectExpr
                        ?? throw new ProgramFormatException("invoke options ('options') must be an object", MarkOf(valueNode));
                    break;
                case "return":
                    result = ReadLiteralString(valueNode, "the return directive ('return')");
                    break;
                default:
                    throw new ProgramFormatException($"unknown fn::invoke key '{key}' (allowed: function, arguments, options, return)", MarkOf(keyNode));
            }
        }
        if (function is null) throw new ProgramFormatException("fn::invoke is missing the function name ('function')", mark);
        return new InvokeExpr(function, functionMark, arguments, options, result, mark);
    }

    private static string ReadLiteralString(YamlNode node, string what) =>
        Read(node) is StringExpr literal
            ? literal.Value
            : throw new ProgramFormatException($"{what} must be a string literal", MarkOf(node));
}
