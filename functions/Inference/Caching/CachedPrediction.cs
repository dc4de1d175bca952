namespace Inference.Caching;

/// <summary>
/// A successful answer as cached: the response body without its per-request <c>id</c> (added back when it is
/// served, see <see cref="Protocol.JsonBody.WithId"/>) and its content type.
/// </summary>
public sealed record CachedPrediction(ReadOnlyMemory<byte> Body, string ContentType);
