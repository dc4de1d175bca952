using Inference.Contracts;
using Infra.Aws.DynamoDB;
using Infra.Aws.Lambda;
using Infra.Components;
using Infra.Core;

namespace Infra.Local.Emulators;

/// <summary>
/// With --emulators, what a function gets instead of the AWS resources it references: every table it names is
/// created in DynamoDB Local under its logical name and bound to that name, a Redis shared cache is bound to the local
/// redis-server (without TLS), and the SDK endpoint variables point at the stand-ins. A model bucket stays unbound:
/// the function then serves its bundled model, as it does without emulators.
/// </summary>
public static class EmulatorFunctionBindings
{
    public const string RedisEndpointVariable = FunctionEnvironment.PredictionCacheRedisEndpoint;

    public static async Task<IReadOnlyDictionary<string, string>> ForAsync(InferenceFunction function, EmulatorSet emulators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(emulators);
        var variables = ((FunctionArgs)function.Function.Args).Environment?.Variables ?? [];
        var redis = variables.ContainsKey(RedisEndpointVariable) ? emulators.Redis?.HostAndPort : null;
        var bindings = new Dictionary<string, string>(EmulatorBindings.For(emulators.DynamoDb.HttpEndpoint, emulators.Fauxqs.HttpEndpoint, redis), StringComparer.Ordinal);

        var tables = new LocalTables(emulators.DynamoDbClient);
        foreach (var (name, value) in variables)
        {
            if (((IProgramValueSource)value).ToProgramValue() is ReferenceValue { Target: Table table })
            {
                await tables.CreateAsync(table, table.LogicalName, cancellationToken).ConfigureAwait(false);
                bindings[name] = table.LogicalName;
            }
        }

        return bindings;
    }
}
