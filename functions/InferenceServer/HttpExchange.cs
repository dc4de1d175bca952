using Inference.Protocol;
using Inference.Service;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceServer;

/// <summary>Turns a Kestrel request into the library's <see cref="InferenceRequest"/>, and its answer back.</summary>
internal static class HttpExchange
{
    /// <summary>The method, the raw target (path and query, as the client sent them), the headers and the body.</summary>
    /// <returns>The request, or the 413 for a body over <paramref name="maxBodyBytes"/>, refused without reading it all.</returns>
    public static async Task<(InferenceRequest? Request, InferenceResponse? Error)> ReadAsync(HttpContext context, long maxBodyBytes, string requestId)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            // Repeated headers are joined with ',' as the API Gateway v1 adapter joins multi-value headers.
            headers[name] = string.Join(',', values.Where(v => v is not null));
        }

        if (context.Request.ContentLength > maxBodyBytes)
        {
            return (null, TooLarge(context.Request.ContentLength.Value, maxBodyBytes));
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body has no Content-Length: Kestrel stops reading at its MaxRequestBodySize (the same limit).
            return (null, TooLarge(null, maxBodyBytes));
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        return (new InferenceRequest(context.Request.Method, target, headers, body, requestId), null);
    }

    public static async Task WriteAsync(HttpContext context, InferenceResponse response, string requestId)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["X-Request-Id"] = requestId;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static InferenceResponse TooLarge(long? length, long maxBodyBytes) => ErrorResponses.Json(413, ErrorCodes.PayloadTooLarge,
        (length is { } bytes ? $"The body has {bytes} bytes" : "The body goes on past the limit")
        + $"; at most {maxBodyBytes} are accepted (MAX_BODY_BYTES; SageMaker's InvokeEndpoint takes at most 6 MiB).");
}
