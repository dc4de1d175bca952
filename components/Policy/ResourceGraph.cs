using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Policy;

/// <summary>
/// The stack as rules see it: each resource's inputs as the program emits them (read from the
/// program's <see cref="ProgramGraph"/>), and the links between resources, found by following references.
/// </summary>
public sealed class ResourceGraph
{
    // The argument that holds a resource's physical name, for links written as literal names.
    private static readonly Dictionary<string, string> PhysicalNameInputs = new(StringComparer.Ordinal)
    {
        [Aws.S3.Bucket.PulumiType] = "bucket",
        [Aws.Lambda.Function.PulumiType] = "name",
        [Aws.Sqs.Queue.PulumiType] = "name",
        [Aws.DynamoDB.Table.PulumiType] = "name",
        [Aws.ApiGateway.RestApi.PulumiType] = "name",
    };

    private readonly ProgramGraph _program;

    public ResourceGraph(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        _program = new ProgramGraph(stack);
    }

    public Stack Stack => _program.Stack;

    public IEnumerable<Resource> OfType(string typeToken) => Stack.Resources.Where(r => r.TypeToken == typeToken);

    /// <summary>All inputs of the resource, keyed by their provider names (tags included).</summary>
    public MapValue Inputs(Resource resource) => _program.PropertiesOf(resource);

    /// <summary>An input of the resource by its provider name, or a dotted path into it; null when unset.</summary>
    public ProgramValue? Input(Resource resource, string path)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Stack.Contains(resource) ? _program.PropertiesOf(resource).At(path) : null;
    }

    /// <summary>Resources of a type whose input (a dotted path) names the target, e.g. the encryption configurations of a bucket.</summary>
    public IEnumerable<Resource> Referrers(Resource target, string typeToken, string path) =>
        OfType(typeToken).Where(r => Identifies(Input(r, path), target));

    /// <summary>
    /// Whether a value names the target resource: it references the target (any property, also
    /// inside an interpolation such as an ARN), references a Lambda alias of the target function,
    /// or is the target's literal physical name.
    /// </summary>
    public bool Identifies(ProgramValue? value, Resource target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (value is null)
        {
            return false;
        }

        foreach (var symbol in ProgramGraph.SymbolsIn(value))
        {
            if (ReferenceEquals(symbol, target)
                || (symbol is Resource { TypeToken: Aws.Lambda.Alias.PulumiType } alias && target.TypeToken == Aws.Lambda.Function.PulumiType && Identifies(Input(alias, "functionName"), target)))
            {
                return true;
            }
        }

        // A literal name, or a literal ARN that ends with the name (arn:aws:sqs:eu-west-1:123456789012:jobs).
        return value.Literal() is { } literal
            && PhysicalNameInputs.TryGetValue(target.TypeToken, out var nameInput)
            && Input(target, nameInput).Literal() is { } name
            && (literal == name || literal.EndsWith(":" + name, StringComparison.Ordinal));
    }
}
