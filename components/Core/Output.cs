using System.Runtime.CompilerServices;

namespace Infra.Core;

/// <summary>
/// A value that is known only when the program is deployed: a resource output, an invoke
/// result, a config secret, or an expression built from them. It renders as a Pulumi YAML
/// expression. Unlike Pulumi's .NET SDK there is no <c>Apply</c>: the program is evaluated
/// by the Pulumi engine, not by this process, so every transformation must be expressible
/// with the YAML built-ins (<see cref="Output.Format"/>, <see cref="Output.JsonSerialize"/>, ...).
/// </summary>
public sealed class Output<T> : IProgramValueSource
{
    internal Output(ProgramValue value) => Value = value;

    internal ProgramValue Value { get; }

    ProgramValue IProgramValueSource.ToProgramValue() => Value;

    /// <summary>
    /// A nested property of this output, such as <c>${fn.environment.variables}</c>. Only
    /// direct references can be traversed; other expressions have no addressable structure.
    /// </summary>
    public Output<TProperty> GetProperty<TProperty>(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Value is ReferenceValue reference
            ? new Output<TProperty>(reference with { Path = reference.Path is null ? path : reference.Path + PathSeparator(path) + path })
            : throw new InvalidOperationException($"Only a direct reference can be traversed; '{path}' cannot be read from a computed expression.");
    }

    private static string PathSeparator(string path) => path.StartsWith('[') ? "" : ".";

    public override string ToString() =>
        throw new InvalidOperationException(
            "An Output<T> has no value at synthesis time. Use Output.Format($\"...\") to build a string from outputs.");
}

/// <summary>Factory methods mirroring Pulumi's <c>Output</c> class.</summary>
public static class Output
{
    public static Output<T> Create<T>(T value) => new(ValueLowering.Lower(value));

    /// <summary>Builds an interpolated string: <c>Output.Format($"arn:aws:execute-api:{region}:{account}:{api.Id}/*")</c>.</summary>
    public static Output<string> Format(ref OutputInterpolationHandler handler) => new(handler.Build());

    /// <summary>Marks the value secret in the engine (<c>fn::secret</c>): it is encrypted in state and masked in the CLI.</summary>
    public static Output<T> CreateSecret<T>(T value) => new(new FunctionValue("fn::secret", ValueLowering.Lower(value)));

    /// <summary>Serializes an object graph, which may contain outputs, to a JSON string at deployment time (<c>fn::toJSON</c>).</summary>
    public static Output<string> JsonSerialize(object value) => new(new FunctionValue("fn::toJSON", ValueLowering.Lower(value)));

    /// <summary>Joins strings, which may be outputs, with a separator (<c>fn::join</c>).</summary>
    public static Output<string> Join(string separator, IEnumerable<Input<string>> items) =>
        new(new FunctionValue("fn::join", new ListValue([new LiteralValue(separator), new ListValue([.. items.Select(i => i.Value)])])));

    /// <summary>The name of the stack being deployed, <c>${pulumi.stack}</c>.</summary>
    public static Output<string> StackName { get; } = new(new BuiltinValue("pulumi.stack"));

    /// <summary>The name of the Pulumi project, <c>${pulumi.project}</c>.</summary>
    public static Output<string> ProjectName { get; } = new(new BuiltinValue("pulumi.project"));
}

/// <summary>
/// Collects the parts of <c>$"..."</c> when it is passed to <see cref="Output.Format"/>: literal
/// text stays text, outputs become <c>${...}</c> references, anything else is formatted invariantly.
/// </summary>
[InterpolatedStringHandler]
public ref struct OutputInterpolationHandler
{
    private readonly List<ProgramValue> _parts;

    public OutputInterpolationHandler(int literalLength, int formattedCount) => _parts = new List<ProgramValue>(formattedCount * 2 + 1);

    public readonly void AppendLiteral(string value) => _parts.Add(new LiteralValue(value));

    public readonly void AppendFormatted<T>(T value) => _parts.Add(value switch
    {
        IProgramValueSource source => source.ToProgramValue(),
        bool flag => new LiteralValue(flag ? "true" : "false"),
        IFormattable formattable => new LiteralValue(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)),
        _ => new LiteralValue(value?.ToString() ?? ""),
    });

    internal readonly ProgramValue Build()
    {
        var merged = new List<ProgramValue>();
        foreach (var part in _parts)
        {
            // Adjacent literals merge so that the rendered string stays simple.
            if (part is LiteralValue { Value: string text } && merged.Count > 0 && merged[^1] is LiteralValue { Value: string previous })
            {
                merged[^1] = new LiteralValue(previous + text);
            }
            else
            {
                merged.Add(part);
            }
        }

        return merged.Count == 1 && merged[0] is LiteralValue or ReferenceValue or BuiltinValue
            ? merged[0]
            : new InterpolationValue(merged);
    }
}
