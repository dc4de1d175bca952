using System.Text.Json;
using Inference.Service;

namespace Inference.Tests.Fuzz;

/// <summary>What every answer of the service to bad input must look like: a success, or a 4xx with a JSON error body.</summary>
internal static class ServiceAnswers
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    public static void AssertHandled(IInferenceService service, InferenceRequest request)
    {
        var response = service.HandleAsync(request, default).WaitAsync(HangLimit).GetAwaiter().GetResult();

        Assert.InRange(response.StatusCode, 200, 499);
        if (response.StatusCode >= 400)
        {
            Assert.Equal("application/json", response.Headers["Content-Type"]);
            using var body = JsonDocument.Parse(response.Body);
            Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("code").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
        }
    }
}
