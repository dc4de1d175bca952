using System.Text.Json;
using Inference.Service;

namespace Inference.Protocol;

/// <summary>JSON error answers the host itself gives to HTTP events: {"error": "...", "code": "..."}.</summary>
public static class ErrorResponses
{
    public static InferenceResponse Json(int statusCode, string code, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteString("code", code);
            writer.WriteEndObject();
        }

        return new InferenceResponse(
            statusCode,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            buffer.ToArray());
    }
}
