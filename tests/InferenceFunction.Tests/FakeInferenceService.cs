using System.Collections.Concurrent;
using System.Text;
using Inference.Service;

namespace InferenceFunction.Tests;

/// <summary>Records what the host passes through the seam and answers as configured.</summary>
internal sealed class FakeInferenceService : IInferenceService
{
    private readonly Func<InferenceRequest, InferenceResponse> _answer;

    public FakeInferenceService(Func<InferenceRequest, InferenceResponse>? answer = null)
    {
        _answer = answer ?? (request => Json(200, $"{{\"path\":\"{request.Path}\"}}"));
    }

    public ConcurrentQueue<InferenceRequest> Requests { get; } = new();

    /// <summary>The size of each PredictImagesAsync call, in call order.</summary>
    public ConcurrentQueue<int> ImageBatches { get; } = new();

    public int WarmUps { get; private set; }

    /// <summary>Batch inputs the host logged as never served: (input key, status, error code).</summary>
    public ConcurrentQueue<(string Key, int Status, string Code)> Unserved { get; } = new();

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId, long inputBytes, CancellationToken cancellationToken)
    {
        Unserved.Enqueue((inputKey, status, errorCode));
        return Task.CompletedTask;
    }

    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>Blocks the calling thread before returning a task, like a synchronous model load.</summary>
    public TimeSpan BlockingDelay { get; init; } = TimeSpan.Zero;

    public static InferenceResponse Json(int status, string body) => new(
        status,
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
        Encoding.UTF8.GetBytes(body));

    public Task WarmUpAsync(CancellationToken cancellationToken)
    {
        WarmUps++;
        return Task.CompletedTask;
    }

    public Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        if (BlockingDelay > TimeSpan.Zero)
        {
            Thread.Sleep(BlockingDelay);
        }

        return AnswerAsync(request);
    }

    public async Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        ImageBatches.Enqueue(requests.Count);
        var answers = new List<InferenceResponse>();
        foreach (var request in requests)
        {
            answers.Add(await HandleAsync(request, cancellationToken));
        }

        return answers;
    }

    private async Task<InferenceResponse> AnswerAsync(InferenceRequest request)
    {
        if (Delay > TimeSpan.Zero)
        {
            // Deliberately ignores the token, like an ONNX session run that cannot be interrupted.
            await Task.Delay(Delay, CancellationToken.None);
        }

        return _answer(request);
    }
}
