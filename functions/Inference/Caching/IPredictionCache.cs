namespace Inference.Caching;

/// <summary>A cache shared by every instance of the function (a DynamoDB table, or Redis/Valkey in a VPC).</summary>
public interface IPredictionCache
{
    /// <returns>The cached answer, or null when the key is absent or expired.</returns>
    Task<CachedPrediction?> GetAsync(string key, CancellationToken cancellationToken);

    /// <returns>false when the answer was not stored because the store cannot hold it (too large).</returns>
    Task<bool> SetAsync(string key, CachedPrediction value, CancellationToken cancellationToken);
}
