using Inference.Contracts;
using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A SageMaker endpoint a front may invoke: its name (the InvokeEndpoint URL) and ARN (the IAM resource). The GPU endpoint
/// component implements it; so can an endpoint made outside this program.
/// </summary>
public interface IInvocableEndpoint
{
    Output<string> EndpointName { get; }

    Output<string> EndpointArn { get; }
}

/// <summary>
/// The GPU back end of <see cref="ContainerInferenceApi"/>: the function becomes a front (auth, cache, predictions log,
/// A/B and shadow) that forwards each request to <see cref="Endpoint"/> (functions/Inference/GpuEndpoint). The times
/// are the front's: <see cref="Timeout"/> bounds every try and wait of one request, under API Gateway's 29 s
/// integration limit by default and always under the function's own timeout, so the front answers 504 itself.
/// </summary>
public sealed record GpuBackendArgs
{
    public required IInvocableEndpoint Endpoint { get; init; }

    /// <summary>The endpoint's region; null: the function's (AWS_REGION).</summary>
    public string? Region { get; init; }

    /// <summary>All the time one request may spend on the endpoint, retries and their waits included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(GpuEndpointContract.DefaultTimeoutMs);

    /// <summary>The time one call may take; null: the whole <see cref="Timeout"/>.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>Calls per request, the first included (only throttling, no capacity and, for inference, SageMaker's own failures are retried).</summary>
    public int MaxAttempts { get; init; } = GpuEndpointContract.DefaultMaxAttempts;

    /// <summary>The front's memory when <see cref="ContainerInferenceApiArgs.Function"/> is not given: it holds no model, only the forwarding and the cache.</summary>
    public static readonly DataSize FrontMemory = DataSize.FromMebibytes(1024);

    /// <summary>The time the function keeps beyond <see cref="Timeout"/> to write its own 504 and its logs.</summary>
    public static readonly TimeSpan FunctionHeadroom = TimeSpan.FromSeconds(2);

    internal static void Validate(ArgsValidation check, GpuBackendArgs gpu, InferenceFunctionArgs function)
    {
        var timeoutMs = (long)gpu.Timeout.TotalMilliseconds;
        var latest = function.Timeout - FunctionHeadroom;
        check.Check(gpu.Endpoint is not null, "GpuBackend.Endpoint", "null", "an endpoint (IInvocableEndpoint)")
            .Check(gpu.Region is null || GpuEndpointContract.IsRegion(gpu.Region), "GpuBackend.Region", gpu.Region ?? "", GpuEndpointContract.RegionRules)
            .Check(timeoutMs >= GpuEndpointContract.MinTimeoutMs && gpu.Timeout <= latest, "GpuBackend.Timeout", $"{timeoutMs} ms",
                $"{GpuEndpointContract.MinTimeoutMs} ms to Function.Timeout ({function.Timeout.TotalSeconds} s) less {FunctionHeadroom.TotalSeconds} s, so the function answers 504 itself")
            .Check(gpu.AttemptTimeout is not { } attempt || (attempt.TotalMilliseconds >= GpuEndpointContract.MinTimeoutMs && attempt <= gpu.Timeout),
                "GpuBackend.AttemptTimeout", $"{gpu.AttemptTimeout?.TotalMilliseconds} ms", $"{GpuEndpointContract.MinTimeoutMs} ms to GpuBackend.Timeout ({timeoutMs} ms)")
            .Range("GpuBackend.MaxAttempts", gpu.MaxAttempts, 1, GpuEndpointContract.MaxAttempts);
    }

    /// <summary>The front's GPU_* variables (FunctionEnvironment).</summary>
    internal IReadOnlyDictionary<string, Input<string>> Environment()
    {
        var variables = new Dictionary<string, Input<string>>
        {
            [FunctionEnvironment.GpuEndpointName] = Endpoint.EndpointName,
            [FunctionEnvironment.GpuTimeoutMs] = ((long)Timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FunctionEnvironment.GpuMaxAttempts] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (Region is { } region)
        {
            variables[FunctionEnvironment.GpuEndpointRegion] = region;
        }

        if (AttemptTimeout is { } attempt)
        {
            variables[FunctionEnvironment.GpuAttemptTimeoutMs] = ((long)attempt.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return variables;
    }

    /// <summary>Exactly <c>sagemaker:InvokeEndpoint</c> on this endpoint, for the front's role.</summary>
    internal RolePolicy GrantInvoke(ComponentResource owner, IGrantable front) =>
        new(owner, GrantNames.Of(owner, "grant-invoke-endpoint", front.GrantPath), new RolePolicyArgs
        {
            Role = front.GrantRole.RoleName,
            Policy = PolicyDocuments.Of(PolicyDocuments.Allow("InvokeGpuEndpoint", ["sagemaker:InvokeEndpoint"], Endpoint.EndpointArn)),
        });
}
