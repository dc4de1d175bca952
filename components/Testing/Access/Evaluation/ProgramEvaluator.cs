using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Testing.Programs;

namespace Infra.Testing.Access.Evaluation;

/// <summary>
/// Evaluates a Pulumi YAML expression (SchemaCheck's <see cref="Expr"/> tree) to the concrete JSON value the engine
/// would pass to the provider: references through <paramref name="resolve"/>, built-in functions and the data-source
/// invokes the team stacks use. Anything it does not know fails, naming it and its place in the program.
/// </summary>
public sealed class ProgramEvaluator(Func<PropertyAccess, SourceMark, JsonNode?> resolve, DeploymentTarget target)
{
    public JsonNode? Evaluate(Expr expression) => expression switch
    {
        NullExpr => null,
        BoolExpr b => JsonValue.Create(b.Value),
        NumberExpr n => Number(n),
        StringExpr s => JsonValue.Create(s.Value),
        SymbolExpr symbol => resolve(symbol.Access, symbol.Mark)?.DeepClone(),
        InterpolateExpr interpolation => JsonValue.Create(Interpolate(interpolation)),
        ListExpr list => new JsonArray([.. list.Items.Select(Evaluate)]),
        ObjectExpr obj => Object(obj),
        BuiltinExpr builtin => Builtin(builtin),
        InvokeExpr invoke => Invoke(invoke),
        _ => throw new EvaluationException($"cannot evaluate a {expression.GetType().Name}", expression.Mark),
    };

    /// <summary>The value as the text Pulumi puts into an interpolated string.</summary>
    public static string Text(JsonNode? value, string what, SourceMark mark) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        null => throw new EvaluationException($"{what} is null and cannot be interpolated into a string", mark),
        _ => throw new EvaluationException($"{what} is a {value.GetValueKind()} and cannot be interpolated into a string", mark),
    };

    private static JsonNode Number(NumberExpr number) =>
        long.TryParse(number.Literal, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
            ? JsonValue.Create(integer)
            : JsonValue.Create(double.Parse(number.Literal, CultureInfo.InvariantCulture));

    private string Interpolate(InterpolateExpr interpolation)
    {
        var text = new StringBuilder();
        foreach (var part in interpolation.Parts)
        {
            text.Append(part.Text);
            if (part.Access is { } access)
            {
                text.Append(Text(resolve(access, interpolation.Mark), "${" + access + "}", interpolation.Mark));
            }
        }

        return text.ToString();
    }

    private JsonObject Object(ObjectExpr obj)
    {
        var result = new JsonObject();
        foreach (var entry in obj.Entries)
        {
            result[entry.Key] = Evaluate(entry.Value);
        }

        return result;
    }

    private JsonNode? Builtin(BuiltinExpr builtin)
    {
        switch (builtin.Name)
        {
            case "fn::toJSON":
                return JsonValue.Create(Evaluate(builtin.Argument)?.ToJsonString() ?? "null");
            case "fn::secret" or "fn::unsecret":
                // A secret is encrypted in the state, not in what the provider receives.
                return Evaluate(builtin.Argument);
            case "fn::join":
            {
                var (separator, items) = Pair(builtin);
                return JsonValue.Create(string.Join(Text(separator, "the fn::join separator", builtin.Mark),
                    AsArray(items, builtin).Select((item, i) => Text(item, $"fn::join item {i}", builtin.Mark))));
            }

            case "fn::split":
            {
                var (separator, source) = Pair(builtin);
                var parts = Text(source, "the fn::split source", builtin.Mark).Split(Text(separator, "the fn::split separator", builtin.Mark));
                return new JsonArray([.. parts.Select(p => (JsonNode)JsonValue.Create(p))]);
            }

            case "fn::select":
            {
                var (index, items) = Pair(builtin);
                var list = AsArray(items, builtin);
                var at = index is JsonValue v && v.TryGetValue<long>(out var i) ? (int)i
                    : throw new EvaluationException("the fn::select index must be an integer", builtin.Mark);
                return at >= 0 && at < list.Count ? list[at]?.DeepClone()
                    : throw new EvaluationException($"fn::select index {at} is outside a list of {list.Count}", builtin.Mark);
            }

            case "fn::toBase64":
                return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(Text(Evaluate(builtin.Argument), "the fn::toBase64 argument", builtin.Mark))));
            case "fn::sha1":
                return JsonValue.Create(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Text(Evaluate(builtin.Argument), "the fn::sha1 argument", builtin.Mark)))));
            case "fn::fileArchive" or "fn::fileAsset" or "fn::stringAsset":
                // An asset is uploaded by the provider; what matters here is what it names.
                return new JsonObject { ["asset"] = builtin.Name["fn::".Length..], ["source"] = Evaluate(builtin.Argument) };
            default:
                throw new EvaluationException($"the evaluator does not model {builtin.Name}", builtin.Mark);
        }
    }

    private (JsonNode? First, JsonNode? Second) Pair(BuiltinExpr builtin) =>
        Evaluate(builtin.Argument) is JsonArray { Count: 2 } pair
            ? (pair[0], pair[1])
            : throw new EvaluationException($"{builtin.Name} takes a list of two values", builtin.Mark);

    private static JsonArray AsArray(JsonNode? node, BuiltinExpr builtin) =>
        node as JsonArray ?? throw new EvaluationException($"{builtin.Name} needs a list", builtin.Mark);

    private JsonNode? Invoke(InvokeExpr invoke)
    {
        var arguments = invoke.Arguments is null ? new JsonObject() : Object(invoke.Arguments);
        JsonObject result = invoke.Function switch
        {
            "aws:getCallerIdentity" or "aws:index/getCallerIdentity:getCallerIdentity" => new JsonObject
            {
                ["accountId"] = DeploymentTarget.Account,
                ["arn"] = DeploymentTarget.DeployerRoleArn,
                ["id"] = DeploymentTarget.Account,
                ["userId"] = "AROADEPLOYER:pulumi",
            },
            "aws:getRegion" or "aws:index/getRegion:getRegion" => new JsonObject
            {
                ["region"] = target.Region,
                ["name"] = target.Region,
                ["id"] = target.Region,
                ["endpoint"] = $"ec2.{target.Region}.amazonaws.com",
                ["description"] = target.Region,
            },
            "aws:getPartition" or "aws:index/getPartition:getPartition" => new JsonObject
            {
                ["partition"] = DeploymentTarget.Partition,
                ["dnsSuffix"] = "amazonaws.com",
                ["id"] = DeploymentTarget.Partition,
                ["reverseDnsPrefix"] = "com.amazonaws",
            },
            "aws:iam:getPolicyDocument" or "aws:iam/getPolicyDocument:getPolicyDocument" => PolicyDocumentInvoke.Evaluate(arguments, invoke.Mark),
            _ => throw new EvaluationException($"the evaluator does not model fn::invoke of {invoke.Function}", invoke.FunctionMark),
        };

        if (invoke.Return is null)
        {
            return result;
        }

        return result.TryGetPropertyValue(invoke.Return, out var value)
            ? value?.DeepClone()
            : throw new EvaluationException($"{invoke.Function} has no result '{invoke.Return}'", invoke.Mark);
    }
}

/// <summary>An expression the evaluator cannot turn into a value, with its place in the program.</summary>
public sealed class EvaluationException(string message, SourceMark mark) : Exception($"{mark}: {message}");
