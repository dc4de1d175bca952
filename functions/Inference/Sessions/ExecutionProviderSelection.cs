using Inference.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Sessions;

/// <summary>
/// Decides, once per process, which execution provider the sessions run on, and says so through
/// <paramref name="onResolved"/> (one log line and metric). CUDA is tried on the first session the process opens: the
/// provider library loads when it is appended (missing CUDA or cuDNN libraries fail there) and the device is opened when
/// the session is created (no GPU fails there), so only a real session proves it runs. When it cannot, every session
/// runs on CPU instead, visibly, unless <see cref="ExecutionProviderSettings.Strict"/> asks for the start to fail.
/// </summary>
public sealed class ExecutionProviderSelection(ExecutionProviderSettings settings, Action<ExecutionProviderChoice>? onResolved = null)
{
    /// <summary>ONNX Runtime's name of the CUDA provider, as GetAvailableProviders lists it.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    private readonly Lock _lock = new();
    private volatile ExecutionProviderChoice? _choice;
    private ExecutionProviderUnavailableException? _strictFailure;

    public ExecutionProviderSettings Settings { get; } = settings;

    /// <summary>The decision, once the first session has been opened; null before.</summary>
    public ExecutionProviderChoice? Choice => _choice;

    /// <summary>
    /// Opens a session on the chosen provider. <paramref name="createOptions"/> gives CPU options, to which the CUDA
    /// provider is appended; <paramref name="openOnCpu"/> opens the session the CPU way (pre-optimised graph or cache).
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">Strict, and CUDA cannot run.</exception>
    public InferenceSession CreateSession(string modelPath, Func<SessionOptions> createOptions, Func<InferenceSession> openOnCpu)
    {
        InferenceSession? firstSession = null;
        var choice = _choice ?? Resolve(modelPath, createOptions, out firstSession);
        if (firstSession is not null)
        {
            return firstSession;
        }

        return choice.Actual == ExecutionProviderKind.Cuda ? OpenOnCuda(modelPath, createOptions) : openOnCpu();
    }

    /// <summary>
    /// Decides now when no session is needed to decide: CPU asked for, or an ONNX Runtime build without the CUDA provider.
    /// The service calls it at its start, so that with lazy model loading the lines written before the first model load
    /// already carry the provider dimension. With the CUDA build only a session proves CUDA runs: null, the decision waits.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">Strict, and the build has no CUDA provider.</exception>
    public ExecutionProviderChoice? ResolveWithoutSession()
    {
        lock (_lock)
        {
            return DecideWithoutSession();
        }
    }

    /// <returns>The decision; <paramref name="session"/> is the session opened while deciding, if CUDA ran.</returns>
    private ExecutionProviderChoice Resolve(string modelPath, Func<SessionOptions> createOptions, out InferenceSession? session)
    {
        session = null;
        lock (_lock)
        {
            if (DecideWithoutSession() is { } decided)
            {
                return decided;
            }

            ExecutionProviderChoice choice;
            try
            {
                session = OpenOnCuda(modelPath, createOptions);
                choice = new(ExecutionProviderKind.Cuda, ExecutionProviderKind.Cuda, Settings.DeviceId, null);
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                choice = FallBack($"the CUDA provider could not open a session on device {Settings.DeviceId}: {exception.Message}", exception);
            }

            return Record(choice);
        }
    }

    /// <summary>Under the lock: the decision taken, or one that needs no session, or null when a CUDA session must decide.</summary>
    private ExecutionProviderChoice? DecideWithoutSession()
    {
        if (_strictFailure is not null)
        {
            throw _strictFailure;
        }

        if (_choice is { } decided)
        {
            return decided;
        }

        if (Settings.Requested == ExecutionProviderKind.Cpu)
        {
            return Record(new(ExecutionProviderKind.Cpu, ExecutionProviderKind.Cpu, Settings.DeviceId, null));
        }

        return CudaMissingFromBuild() is { } missing ? Record(FallBack(missing, null)) : null;
    }

    private ExecutionProviderChoice Record(ExecutionProviderChoice choice)
    {
        _choice = choice;
        onResolved?.Invoke(choice);
        return choice;
    }

    private ExecutionProviderChoice FallBack(string reason, Exception? cause)
    {
        if (Settings.Strict)
        {
            _strictFailure = new ExecutionProviderUnavailableException(
                $"{FunctionEnvironment.ExecutionProvider} is 'cuda' and {FunctionEnvironment.ExecutionProviderStrict} is 'true', but CUDA cannot run: {reason}. " +
                $"Allowed: a GPU with CUDA 12 and cuDNN 9 and the CUDA build of ONNX Runtime, or {FunctionEnvironment.ExecutionProviderStrict}=false to run on CPU.",
                cause);
            throw _strictFailure;
        }

        return new(ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu, Settings.DeviceId, reason);
    }

    /// <summary>The CPU package of ONNX Runtime has no CUDA provider at all: a clearer reason than the error appending it gives.</summary>
    private static string? CudaMissingFromBuild()
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        return available.Contains(CudaProviderName, StringComparer.Ordinal)
            ? null
            : $"this ONNX Runtime build has no {CudaProviderName} (it has {string.Join(", ", available)}); the GPU image publishes with -p:ExecutionProvider=cuda";
    }

    private InferenceSession OpenOnCuda(string modelPath, Func<SessionOptions> createOptions)
    {
        using var options = createOptions();
        options.AppendExecutionProvider_CUDA(Settings.DeviceId);
        return new InferenceSession(modelPath, options);
    }
}
