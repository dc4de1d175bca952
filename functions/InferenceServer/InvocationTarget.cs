using Inference.Contracts;
using Inference.Protocol;
using Inference.Service;

namespace InferenceServer;

/// <summary>
/// What a POST /invocations means. SageMaker's InvokeEndpoint passes the body, Content-Type, Accept and
/// <c>X-Amzn-SageMaker-Custom-Attributes</c> (at most 1024 visible US-ASCII characters, forwarded verbatim) and strips
/// every other header, so the original route travels in the custom attributes as the GPU front writes them
/// (<see cref="GpuEndpointContract"/>: <c>key=value</c> pairs separated by <c>;</c>, values percent-encoded):
/// <list type="bullet">
/// <item><c>route=/v2/models/ppocr-cls/predict</c>: the route the client called (Open Inference Protocol or /predict);</item>
/// <item><c>method=GET</c>: for the metadata and health routes (default POST);</item>
/// <item><c>request-id=...</c>: the front's request id, so both hosts log the request under one id.</item>
/// </list>
/// Without <c>route</c>, the request goes to <c>INVOCATIONS_MODEL</c>: <c>/predict</c> for an <c>image/*</c> body,
/// <c>/infer</c> otherwise. Other attributes are ignored.
/// </summary>
internal sealed record InvocationTarget(string Method, string Path, string? RequestId)
{
    public const string CustomAttributesHeader = GpuEndpointContract.AttributesHeader;

    /// <returns>The target, or the 400 that says what is wrong with the attributes.</returns>
    public static (InvocationTarget? Target, InferenceResponse? Error) Resolve(IReadOnlyDictionary<string, string> headers, string? defaultModel)
    {
        var attributes = RequestHeaders.Get(headers, CustomAttributesHeader);
        var method = (GpuEndpointContract.Attribute(attributes, GpuEndpointContract.MethodAttribute) ?? "POST").ToUpperInvariant();
        var requestId = GpuEndpointContract.Attribute(attributes, GpuEndpointContract.RequestIdAttribute);
        if (requestId is not null && !ForwardedRequestId.IsValid(requestId))
        {
            return (null, Invalid(ForwardedRequestId.Problem("The custom attribute request-id", requestId)));
        }

        if (GpuEndpointContract.Attribute(attributes, GpuEndpointContract.RouteAttribute) is { } path)
        {
            if (!path.StartsWith('/') || IsServerRoute(path))
            {
                return (null, Invalid($"The custom attribute route='{path}' is not allowed; allowed: a route of the inference API starting with '/', e.g. route=/v2/models/NAME/infer (not /invocations or /ping)."));
            }

            return (new InvocationTarget(method, path, requestId), null);
        }

        if (defaultModel is null)
        {
            return (null, Invalid(
                $"POST /invocations without a 'route' custom attribute goes to {ServerSettings.InvocationsModelVariable}, which is not set (nor does MODEL_NAME name a single model); "
                + $"send {CustomAttributesHeader}: route=/v2/models/NAME/infer (or /predict), or set {ServerSettings.InvocationsModelVariable}."));
        }

        var action = RequestHeaders.MediaType(headers) is { } type && type.StartsWith("image/", StringComparison.Ordinal) ? "predict" : "infer";
        return (new InvocationTarget(method, $"/v2/models/{Uri.EscapeDataString(defaultModel)}/{action}", requestId), null);
    }

    private static bool IsServerRoute(string path)
    {
        var bare = path.Split('?', 2)[0].TrimEnd('/');
        return bare is "/invocations" or "/ping";
    }

    private static InferenceResponse Invalid(string message) => ErrorResponses.Json(400, ErrorCodes.InvalidRequest, message);
}
