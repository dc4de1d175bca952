namespace InferenceFunction.Runtime;

/// <summary>
/// Lambda gives small functions one vCPU, so the thread pool starts with one worker. A service call
/// that blocks that worker (a model load, an ONNX run) would then delay the deadline timer and the
/// 504 answer until the pool injects another thread, which takes hundreds of milliseconds.
/// </summary>
public static class ThreadPoolSettings
{
    private const int MinimumWorkers = 4;

    public static void EnsureSpareWorkers()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinimumWorkers)
        {
            ThreadPool.SetMinThreads(MinimumWorkers, completionPorts);
        }
    }
}
