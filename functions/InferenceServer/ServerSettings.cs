using System.Globalization;
using System.Net;
using Inference.Contracts;
using Inference.Service;

namespace InferenceServer;

/// <summary>
/// The server's own settings, from the environment SageMaker (or <c>serve</c>) gives the container. The inference
/// library reads its variables itself (functions/README.md); a wrong value here names the variable, the value and what
/// is allowed.
/// </summary>
internal sealed record ServerSettings
{
    /// <summary>
    /// SageMaker: containers listen on 8080, or on the port in SAGEMAKER_BIND_TO_PORT when it runs them in an inference
    /// pipeline ("Run Real-time Predictions with an Inference Pipeline").
    /// </summary>
    public const string BindToPortVariable = "SAGEMAKER_BIND_TO_PORT";

    /// <summary>SageMaker: the "XXXX-YYYY" range a pipeline container may take a second port from. This server opens
    /// none; the range is checked and logged, and must not hold the serving port.</summary>
    public const string SafePortRangeVariable = "SAGEMAKER_SAFE_PORT_RANGE";

    /// <summary>The address to listen on: all interfaces by default (SageMaker calls from outside the container); serve
    /// and the tests use 127.0.0.1.</summary>
    public const string BindAddressVariable = "SERVER_BIND_ADDRESS";

    /// <summary>The model a bare POST /invocations (no <c>path</c> custom attribute) goes to.</summary>
    public const string InvocationsModelVariable = "INVOCATIONS_MODEL";

    /// <summary>Each request's budget. SageMaker real-time endpoints give a container 60 s to answer (InvokeEndpoint).</summary>
    public const string InvocationTimeoutVariable = "INVOCATION_TIMEOUT_SECONDS";

    /// <summary>How long SIGTERM waits for requests in flight. SageMaker sends SIGKILL 30 s after SIGTERM when it stops a
    /// container, so the default leaves 5 s for the rest of the shutdown.</summary>
    public const string ShutdownTimeoutVariable = "SHUTDOWN_TIMEOUT_SECONDS";

    public const int DefaultPort = 8080;
    private static readonly TimeSpan DefaultSafetyMargin = TimeSpan.FromMilliseconds(300);

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>0 takes a free port (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    public (int First, int Last)? SafePortRange { get; init; }

    public string? InvocationsModel { get; init; }

    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan SafetyMargin { get; init; } = DefaultSafetyMargin;

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// The largest request body: MAX_BODY_BYTES, whose default (6 MiB) is also SageMaker's InvokeEndpoint payload limit,
    /// so the server refuses with 413 what SageMaker itself would never pass on, without buffering it.
    /// </summary>
    public long MaxBodyBytes { get; init; } = InferenceOptions.DefaultMaxBodyBytes;

    /// <exception cref="InvalidOperationException">A variable has a value that is not allowed; the message names both.</exception>
    public static ServerSettings FromEnvironment(Func<string, string?> environment)
    {
        var values = new EnvironmentValues(environment);
        var port = (int?)values.Long(BindToPortVariable, 1, 65535) ?? DefaultPort;
        var range = values.Get(SafePortRangeVariable) is { } text ? ParseRange(text) : ((int, int)?)null;
        if (range is var (first, last) && port >= first && port <= last)
        {
            throw new InvalidOperationException(
                $"{BindToPortVariable}='{port}' lies inside {SafePortRangeVariable}='{first}-{last}', the range kept for a container's second ports; allowed: a port outside it.");
        }

        return new ServerSettings
        {
            BindAddress = values.Get(BindAddressVariable) is { } address ? ParseAddress(address) : IPAddress.Any,
            Port = port,
            SafePortRange = range,
            InvocationsModel = values.Get(InvocationsModelVariable) ?? SingleModelName(values.Get(FunctionEnvironment.ModelName)),
            InvocationTimeout = TimeSpan.FromSeconds(values.Long(InvocationTimeoutVariable, 1, 3600) ?? 60),
            SafetyMargin = values.Long(FunctionEnvironment.DeadlineSafetyMarginMs, 0, 60_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : DefaultSafetyMargin,
            ShutdownTimeout = TimeSpan.FromSeconds(values.Long(ShutdownTimeoutVariable, 0, 3600) ?? 25),
            MaxBodyBytes = InferenceOptions.MaxBodyBytesFrom(values),
        };
    }

    // MODEL_NAME may list several bundled models; only a single one is an unambiguous default.
    private static string? SingleModelName(string? modelName) =>
        modelName is not null && !modelName.Contains(',', StringComparison.Ordinal) ? modelName : null;

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw new InvalidOperationException($"{BindAddressVariable}='{text}' is not an IP address; allowed: e.g. 0.0.0.0 (all interfaces) or 127.0.0.1.");

    private static (int, int) ParseRange(string text)
    {
        var parts = text.Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first is >= 1 and <= 65535 && last >= first && last <= 65535)
        {
            return (first, last);
        }

        throw new InvalidOperationException($"{SafePortRangeVariable}='{text}' is not a port range; allowed: 'FIRST-LAST', e.g. '9000-9999'.");
    }
}
