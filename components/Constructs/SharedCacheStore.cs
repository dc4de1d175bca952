namespace Infra.Components;

/// <summary>Where an API pattern's shared prediction cache lives (behind each function instance's in-memory cache).</summary>
public enum SharedCacheStore
{
    /// <summary>No shared cache: each instance has only its in-memory cache.</summary>
    None,

    /// <summary>A DynamoDB table with TTL: the default choice, because it needs no VPC.</summary>
    DynamoDb,

    /// <summary>
    /// An ElastiCache Serverless cache (Valkey, in memory) in the function's VPC; it needs
    /// <see cref="InferenceFunctionArgs.Network"/> with a <see cref="FunctionNetworkArgs.VpcId"/>.
    /// </summary>
    ElastiCacheServerless,
}
