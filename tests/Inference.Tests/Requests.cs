using System.Text;
using System.Text.Json;
using Inference.Service;

namespace Inference.Tests;

/// <summary>Requests for the bundled models. Shared (linked) with tests/InferenceServer.Tests, which sends them over HTTP.</summary>
internal static class Requests
{
    public static InferenceRequest Get(string path) =>
        new("GET", path, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty, "req-" + Guid.NewGuid().ToString("N")[..8]);

    public static InferenceRequest Post(string path, byte[] body, string? contentType = "application/json")
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
        }

        return new InferenceRequest("POST", path, headers, body, "req-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public static InferenceRequest PostJson(string path, string json) => Post(path, Encoding.UTF8.GetBytes(json));

    public static JsonElement Json(this InferenceResponse response) => JsonDocument.Parse(response.Body).RootElement;

    /// <summary>An infer body for the PP-OCR classifier with a batch of <paramref name="batch"/> all-zero images.</summary>
    public static string ClsInfer(int batch = 1, string? extraInputFields = null, string dataJson = "") =>
        $$"""{"id":"t1","inputs":[{"name":"x","shape":[{{batch}},3,48,192],"datatype":"FP32",{{extraInputFields}}"data":[{{(dataJson.Length > 0 ? dataJson : Zeros(batch * 3 * 48 * 192))}}]}]}""";

    public static string Zeros(int count) => string.Join(",", Enumerable.Repeat("0", count));
}
