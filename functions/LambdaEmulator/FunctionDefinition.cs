namespace LambdaEmulator;

/// <summary>How to start the function process, and the limits Lambda would apply to it.</summary>
public sealed record FunctionDefinition(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    TimeSpan InitTimeout,
    int MemoryMb,
    string FunctionName)
{
    /// <summary>The folder the process starts in (Lambda starts it in the task root, /var/task); null keeps the caller's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// A published function: an executable assembly (.dll, run with `dotnet` like the managed runtime)
    /// or a native `bootstrap` (run directly like provided.al2023).
    /// </summary>
    public static FunctionDefinition ForPublishedFunction(string path, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var fullPath = Path.GetFullPath(path);
        var isAssembly = fullPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        return new FunctionDefinition(
            isAssembly ? "dotnet" : fullPath,
            isAssembly ? ["exec", fullPath] : [],
            environment ?? new Dictionary<string, string>(),
            timeout ?? TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(10),
            2048,
            "inference-function");
    }
}
