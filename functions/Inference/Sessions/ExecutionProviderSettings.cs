namespace Inference.Sessions;

/// <summary>An ONNX Runtime execution provider this function can ask for.</summary>
public enum ExecutionProviderKind
{
    Cpu,
    Cuda,
}

/// <summary>Which execution provider the sessions ask for, and what happens when it cannot run.</summary>
/// <param name="Requested">The provider asked for (INFERENCE_EXECUTION_PROVIDER).</param>
/// <param name="DeviceId">The CUDA device (INFERENCE_CUDA_DEVICE_ID).</param>
/// <param name="Strict">Fail instead of falling back to CPU (INFERENCE_EXECUTION_PROVIDER_STRICT).</param>
public sealed record ExecutionProviderSettings(ExecutionProviderKind Requested, int DeviceId = 0, bool Strict = false)
{
    /// <summary>The values INFERENCE_EXECUTION_PROVIDER takes.</summary>
    public static readonly IReadOnlyList<string> Names = ["cpu", "cuda"];

    public static string NameOf(ExecutionProviderKind kind) => kind == ExecutionProviderKind.Cuda ? "cuda" : "cpu";

    public static ExecutionProviderKind? Parse(string name) => name switch
    {
        "cpu" => ExecutionProviderKind.Cpu,
        "cuda" => ExecutionProviderKind.Cuda,
        _ => null,
    };
}

/// <summary>What a process asked for and what runs: <paramref name="Reason"/> says why they differ (null when they do not).</summary>
public sealed record ExecutionProviderChoice(ExecutionProviderKind Requested, ExecutionProviderKind Actual, int DeviceId, string? Reason)
{
    public bool FellBack => Requested != Actual;

    public string ActualName => ExecutionProviderSettings.NameOf(Actual);

    public string RequestedName => ExecutionProviderSettings.NameOf(Requested);
}

/// <summary>CUDA was requested with INFERENCE_EXECUTION_PROVIDER_STRICT=true and cannot run here.</summary>
public sealed class ExecutionProviderUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
