using Infra.Core;

namespace Infra.Policy.Rules;

/// <summary>
/// A stack output must not carry a secret in the clear: a secret config value, an API key's
/// value, a resource output listed in additionalSecretOutputs, or anything already wrapped in
/// <c>fn::secret</c> elsewhere (a variable), unless the output wraps it in <c>fn::secret</c> again.
/// </summary>
public sealed class SecretOutputRule : PolicyRule
{
    /// <summary>Output properties the provider always treats as secret.</summary>
    private static readonly Dictionary<string, string[]> SecretProperties = new(StringComparer.Ordinal)
    {
        [Aws.ApiGateway.ApiKey.PulumiType] = ["value"],
    };

    public override string Id => "OUTPUT-SECRET";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "plain stack outputs are stored unencrypted in the state and printed by `pulumi up` and `pulumi stack output`, so a secret in one leaks to everyone who can read the stack";

    public override string Fix => "wrap the output in Output.CreateSecret(...) (fn::secret), or export an identifier instead (an API key's id rather than its value)";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var (name, value) in graph.Stack.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (Exposed(value).FirstOrDefault() is { } secret)
            {
                yield return Finding($"outputs.{name}", $"stack output '{name}' exposes {secret} without fn::secret");
            }
        }
    }

    /// <summary>The secrets a value carries outside any fn::secret wrapper, described for the message.</summary>
    private static IEnumerable<string> Exposed(ProgramValue value) => value switch
    {
        FunctionValue { Function: "fn::secret" } => [],
        FunctionValue function => Exposed(function.Argument),
        MapValue map => map.Entries.Values.SelectMany(Exposed),
        ListValue list => list.Items.SelectMany(Exposed),
        InterpolationValue interpolation => interpolation.Parts.SelectMany(Exposed),
        ReferenceValue { Target: ConfigSymbol { Secret: true } config } => [$"the secret config value '{config.Name}'"],
        ReferenceValue { Target: Variable variable } when ContainsSecret(variable.Value) => [$"the secret value of variable '{variable.Name}'"],
        ReferenceValue { Target: Resource resource, Path: { } path } when IsSecretOutput(resource, path) => [$"the secret property '{path}' of '{resource.LogicalName}'"],
        _ => [],
    };

    private static bool ContainsSecret(ProgramValue value) => value switch
    {
        FunctionValue { Function: "fn::secret" } => true,
        FunctionValue function => ContainsSecret(function.Argument),
        MapValue map => map.Entries.Values.Any(ContainsSecret),
        ListValue list => list.Items.Any(ContainsSecret),
        InterpolationValue interpolation => interpolation.Parts.Any(ContainsSecret),
        _ => Exposed(value).Any(),
    };

    private static bool IsSecretOutput(Resource resource, string path)
    {
        var property = path.Split('.', '[')[0];
        return resource.Options.AdditionalSecretOutputs.Contains(property)
            || (SecretProperties.TryGetValue(resource.TypeToken, out var secret) && secret.Contains(property));
    }
}
