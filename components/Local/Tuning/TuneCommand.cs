using System.Globalization;
using Inference.Contracts;
using Infra.Configuration;
using Infra.Hosting;
using Infra.Local.StackReading;

namespace Infra.Local.Tuning;

/// <summary>
/// <c>tune</c>: power tuning on this machine. Measures the stack's function (or any model) warm, pinned to the CPUs
/// that each Lambda memory size implies, and prints the latency and cost curve, the recommended size, and an arm64
/// price line; <c>--write</c> puts the recommendation into the stack's config.
/// </summary>
public sealed class TuneCommand : IHostCommand
{
    /// <summary>Variables that would make the measured requests something other than a model run, or need AWS.</summary>
    private static readonly string[] DroppedVariables =
    [
        FunctionEnvironment.ModelRegistryBucket, FunctionEnvironment.ModelVersion, FunctionEnvironment.ModelS3Bucket, FunctionEnvironment.ModelS3Key, FunctionEnvironment.ModelS3Version,
        FunctionEnvironment.PredictionCacheTable, FunctionEnvironment.PredictionCacheRedisEndpoint, FunctionEnvironment.PredictionsTable, FunctionEnvironment.PredictionsLogFile,
    ];

    public string Name => "tune";

    public string Summary => "measure the function at each Lambda memory size (CPUs pinned to match) and print latency, cost per 1M predictions and the size to pick";

    public string Usage =>
        "tune [--stack NAME] [--function COMPONENT] [--model NAME|DIR] [--input IMAGE] [--memory MB,MB,...] [--requests N] [--warmup N] [--target-p95 MS] [--env NAME=VALUE,...] [--write [--config-key KEY]]";

    public IReadOnlyCollection<string> Options { get; } = ["stack", "function", "model", "input", "memory", "requests", "warmup", "target-p95", "env", "write", "config-key"];

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            return RunAsync(invocation).GetAwaiter().GetResult();
        }
        catch (ServeException error)
        {
            invocation.Error.WriteLine($"error: tune: {error.Message}");
            return ExitCodes.Failed;
        }
    }

    private static async Task<int> RunAsync(HostInvocation invocation)
    {
        var options = TuneOptions.Parse(invocation.CommandLine);
        var layout = invocation.Stacks.Layout;
        var build = new FunctionBuild(layout, invocation.Error);
        build.EnsurePublished();

        var (stack, _) = invocation.Stacks.Synthesize(options.Stack);
        ConfigValues config = invocation.Stacks.ConfigValuesOf(options.Stack);
        var apis = new LocalStackReader(new ConfigResolver(stack.ProjectName, config), build.OutputDirectory).Read(stack).Apis;
        var api = options.Function is null
            ? apis.FirstOrDefault() ?? throw new ServeException($"stack '{stack.StackName}' has no RestInferenceApi or ContainerInferenceApi whose function tune could measure")
            : apis.FirstOrDefault(a => a.Path == options.Function)
                ?? throw new ServeException($"--function is '{options.Function}'; allowed: an API component of stack '{stack.StackName}': {string.Join(", ", apis.Select(a => a.Path))}");

        var model = ResolveModel(options.Model ?? api.Function.Environment.GetValueOrDefault(FunctionEnvironment.ModelName) ?? api.ModelName, build.OutputDirectory);
        var environment = api.Function.Environment
            .Where(v => !DroppedVariables.Contains(v.Key, StringComparer.Ordinal))
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        environment[FunctionEnvironment.ModelDirectory] = model.Directory;
        environment[FunctionEnvironment.ModelName] = model.Name;
        environment[FunctionEnvironment.PredictionCacheMaxEntries] = "0"; // every measured request must run the model
        foreach (var (name, value) in options.Environment)
        {
            environment[name] = value;
        }

        var image = model.Config.Preprocessing is null ? null : ReadImage(options.Input ?? new SamplePhoto(layout, invocation.Error).Ensure());
        var runner = new TuneRunner(api.Function.Executable, environment, TunePayload.For(api, model, image?.Bytes, image?.ContentType), invocation.Error);
        var cores = Environment.ProcessorCount;
        var sizes = options.MemorySizes.Select(mb => new LambdaSize(mb)).ToArray();
        await invocation.Out.WriteLineAsync($"tune: {api.Path}'s function with model '{model.Name}' {model.Version}, {options.Requests} warm requests per CPU count after {options.Warmup} warm-up(s), load average {LoadAverage()}").ConfigureAwait(false);

        var measurements = new Dictionary<int, SizeMeasurement>();
        foreach (var group in sizes.GroupBy(s => s.PinnedCpus(cores)).OrderBy(g => g.Key))
        {
            measurements[group.Key] = await runner.MeasureAsync(group.Key, group.Max(s => s.MemoryMb), options.Warmup, options.Requests, CancellationToken.None).ConfigureAwait(false);
        }

        var rows = PowerCurve.Build(sizes, measurements, cores);
        var recommended = PowerCurve.Recommend(rows, options.TargetP95Ms);
        new TuneReport(invocation.Out).Write(rows, cores, options.TargetP95Ms, recommended, LoadAverage(), measurements.GetValueOrDefault(1));
        if (options.Write)
        {
            if (recommended is null)
            {
                throw new ServeException($"no size meets --target-p95 {options.TargetP95Ms} ms, so nothing was written to {layout.StackFile(stack.StackName)}");
            }

            var key = $"{stack.ProjectName}:{options.ConfigKey}";
            var value = recommended.Size.MemoryMb.ToString(CultureInfo.InvariantCulture);
            StackConfigFile.Set(layout.StackFile(stack.StackName), key, value);
            await invocation.Out.WriteLineAsync($"wrote {key}: \"{value}\" to {Path.GetFileName(layout.StackFile(stack.StackName))}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>A folder holding a model.json (any model), or the name of a model bundled with the published function.</summary>
    private static ModelDefinition ResolveModel(string nameOrDirectory, string publishedFunction)
    {
        if (File.Exists(Path.Combine(nameOrDirectory, ModelConfigLoader.FileName)))
        {
            return Load(Path.Combine(Path.GetFullPath(nameOrDirectory), ModelConfigLoader.FileName));
        }

        var bundled = Path.Combine(publishedFunction, "models");
        var names = Directory.Exists(bundled)
            ? Directory.EnumerateDirectories(bundled).Where(d => File.Exists(Path.Combine(d, ModelConfigLoader.FileName))).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        return names.Contains(nameOrDirectory)
            ? Load(Path.Combine(bundled, nameOrDirectory, ModelConfigLoader.FileName))
            : throw new ServeException($"--model is '{nameOrDirectory}'; allowed: a folder with a {ModelConfigLoader.FileName} and its ONNX file, or a model bundled with the function ({string.Join(", ", names)})");
    }

    private static ModelDefinition Load(string configPath)
    {
        try
        {
            return ModelConfigLoader.Load(configPath);
        }
        catch (ModelConfigException error)
        {
            throw new ServeException(error.Message);
        }
    }

    private static (byte[] Bytes, string ContentType)? ReadImage(string? path)
    {
        if (path is null)
        {
            throw new ServeException("the model takes images and the sample photo could not be installed (see above); give one with --input FILE");
        }

        var contentType = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".webp" => "image/webp",
            var other => throw new ServeException($"--input '{path}' has extension '{other}'; allowed: .jpg, .jpeg, .png, .webp"),
        };
        return (File.ReadAllBytes(path), contentType);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
