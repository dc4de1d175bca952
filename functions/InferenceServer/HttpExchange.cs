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

        if (context.Request.ContentLength > DrainLimit(maxBodyBytes))
        {
            // Far too large to drain: answered at once, and Kestrel closes the connection.
            return (null, TooLarge(context.Request.ContentLength.Value, maxBodyBytes));
        }

        var (body, length) = await ReadBoundedAsync(context, maxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return (null, TooLarge(length, maxBodyBytes));
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        return (new InferenceRequest(context.Request.Method, target, headers, body, requestId), null);
    }

    /// <summary>
    /// How much of a body over the limit is still read (and dropped) before the 413: a client that is still sending
    /// when the answer comes (HttpClient, for one) gets the JSON error instead of a broken pipe. Kestrel's own limit.
    /// </summary>
    public static long DrainLimit(long maxBodyBytes) => 2 * maxBodyBytes;

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

    /// <returns>The body, or null and the bytes seen when it goes past <paramref name="maxBodyBytes"/>.</returns>
    private static async Task<(byte[]? Body, long? Length)> ReadBoundedAsync(HttpContext context, long maxBodyBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total <= maxBodyBytes)
                {
                    buffer.Write(chunk, 0, read);
                }
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Past the drain limit (a chunked body has no Content-Length to refuse it by).
            return (null, null);
        }

        return total <= maxBodyBytes ? (buffer.ToArray(), total) : (null, total);
    }

    private static InferenceResponse TooLarge(long? length, long maxBodyBytes) => ErrorResponses.Json(413, ErrorCodes.PayloadTooLarge,
        (length is { } bytes ? $"The body has {bytes} bytes" : "The body goes on past the limit")
        + $"; at most {maxBodyBytes} are accepted (MAX_BODY_BYTES; SageMaker's InvokeEndpoint takes at most 6 MiB).");
}
