using Inference.Contracts;
using Inference.Service;
using C = Inference.Contracts.GpuEndpointContract;
using E = Inference.Contracts.FunctionEnvironment;

namespace Inference.GpuEndpoint;

/// <summary>
/// Where the front forwards requests and how long it may try (the GPU_* variables of <see cref="FunctionEnvironment"/>).
/// <see cref="TimeoutMs"/> bounds everything one request spends on the endpoint, retries and their waits included; each
/// call is also bounded by <see cref="AttemptTimeoutMs"/>, which defaults to the whole budget (one long call, retried only
/// when it fails fast).
/// </summary>
public sealed record GpuEndpointOptions(string EndpointName, string Region, int TimeoutMs, int AttemptTimeoutMs, int MaxAttempts)
{
    /// <summary>A stand-in for SageMaker's runtime API (<see cref="E.GpuEndpointUrl"/>, serve's relay); null in AWS.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>SageMaker's runtime API in the endpoint's region, or the same path under <see cref="EndpointUrl"/>.</summary>
    public Uri InvocationsUri => EndpointUrl is { } local
        ? new Uri(local, $"endpoints/{EndpointName}/invocations")
        : new($"https://runtime.sagemaker.{Region}.amazonaws.com/endpoints/{EndpointName}/invocations");

    /// <summary>The options, or null when <see cref="E.GpuEndpointName"/> is unset; every bad value fails naming the variable, the value and what is allowed.</summary>
    public static GpuEndpointOptions? FromEnvironment(Func<string, string?> environment)
    {
        var values = new EnvironmentValues(environment);
        if (values.Get(E.GpuEndpointName) is not { } name)
        {
            foreach (var other in new[] { E.GpuEndpointRegion, E.GpuTimeoutMs, E.GpuAttemptTimeoutMs, E.GpuMaxAttempts, E.GpuEndpointUrl })
            {
                if (values.Get(other) is { } set)
                {
                    throw new InvalidOperationException($"{other} is '{set}' but {E.GpuEndpointName} is not set; allowed: {other} only with {E.GpuEndpointName}.");
                }
            }

            return null;
        }

        if (!C.IsEndpointName(name))
        {
            throw new InvalidOperationException($"{E.GpuEndpointName} is '{name}'; allowed: {C.EndpointNameRules}.");
        }

        var region = values.Get(E.GpuEndpointRegion) ?? values.Get("AWS_REGION")
            ?? throw new InvalidOperationException($"{E.GpuEndpointRegion} is not set and neither is AWS_REGION; allowed: {C.RegionRules}.");
        if (!C.IsRegion(region))
        {
            throw new InvalidOperationException($"{E.GpuEndpointRegion} is '{region}'; allowed: {C.RegionRules}.");
        }

        var timeout = (int)(values.Long(E.GpuTimeoutMs, C.MinTimeoutMs, C.MaxTimeoutMs) ?? C.DefaultTimeoutMs);
        var attempt = (int)(values.Long(E.GpuAttemptTimeoutMs, C.MinTimeoutMs, C.MaxTimeoutMs) ?? timeout);
        if (attempt > timeout)
        {
            throw new InvalidOperationException(
                $"{E.GpuAttemptTimeoutMs} is '{attempt}'; allowed: at most {E.GpuTimeoutMs} ({timeout}), the budget every try shares.");
        }

        var attempts = (int)(values.Long(E.GpuMaxAttempts, 1, C.MaxAttempts) ?? C.DefaultMaxAttempts);
        return new GpuEndpointOptions(name, region, timeout, attempt, attempts) { EndpointUrl = values.Get(E.GpuEndpointUrl) is { } url ? EndpointUrlOf(url) : null };
    }

    private static Uri EndpointUrlOf(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0
            // A trailing slash, so that the invocations path goes under the URL's own path.
            ? new Uri(url.AbsoluteUri.TrimEnd('/') + "/")
            : throw new InvalidOperationException($"{E.GpuEndpointUrl} is '{text}'; allowed: an absolute http or https URL without a query (serve's local SageMaker runtime).");
}
