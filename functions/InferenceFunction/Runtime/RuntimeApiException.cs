using System.Net;

namespace InferenceFunction.Runtime;

/// <summary>The Runtime API answered a call with an unexpected status.</summary>
public sealed class RuntimeApiException : Exception
{
    public RuntimeApiException(string operation, HttpStatusCode statusCode, string body)
        : base($"Runtime API {operation} answered {(int)statusCode} {statusCode}: {body}")
    {
        StatusCode = statusCode;
    }

    public HttpStatusCode StatusCode { get; }
}
