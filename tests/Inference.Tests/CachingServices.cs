using System.Text.Json;
using Amazon.DynamoDBv2;
using Inference.Caching;
using Inference.Service;
using Inference.Predictions;
using Moq;

namespace Inference.Tests;

/// <summary>A service over one bundled model with the given cache and predictions log settings, and its log lines.</summary>
internal sealed class CachingService : IDisposable
{
    private CachingService()
    {
    }

    public static async Task<CachingService> CreateAsync(PredictionCacheOptions cache, PredictionLogOptions? log = null, IAmazonDynamoDB? dynamoDb = null,
        Func<double>? random = null, string model = "ppocr-cls", Inference.Feedback.FeedbackOptions? feedback = null)
    {
        var service = new CachingService();
        service.Service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = ServiceFixture.ModelsDirectory,
            ModelName = model,
            IntraOpThreads = 1,
            Cache = cache,
            PredictionLog = log ?? new PredictionLogOptions(),
            Feedback = feedback ?? new Inference.Feedback.FeedbackOptions(),
        }, service.Log, dynamoDb: dynamoDb ?? new Mock<IAmazonDynamoDB>(MockBehavior.Strict).Object, random: random);
        return service;
    }

    public StringWriter Log { get; } = new();

    public ModelService Service { get; private set; } = null!;

    public Task<InferenceResponse> HandleAsync(InferenceRequest request) => Service.HandleAsync(request, default);

    public JsonElement[] RequestLines() =>
    [
        .. Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("message").GetString() == "request"),
    ];

    public void Dispose() => Service.Dispose();
}

internal static class ResponseExtensions
{
    public static string? XCache(this InferenceResponse response) => response.Headers.TryGetValue("X-Cache", out var value) ? value : null;

    /// <summary>The same request under another request id, as a client retrying it would send.</summary>
    public static InferenceRequest Again(this InferenceRequest request, string? requestId = null) =>
        request with { RequestId = requestId ?? "req-" + Guid.NewGuid().ToString("N")[..8] };
}
