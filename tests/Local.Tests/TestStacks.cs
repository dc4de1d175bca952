using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Local.StackReading;
using TestModels;

namespace Local.Tests;

/// <summary>Stacks built in code for the tests, and where the built function and the test model are.</summary>
internal static class TestStacks
{
    public const string Project = "ml-serving";

    public static string RepositoryRoot => RepositoryFolder.Root;

    /// <summary>functions/InferenceFunction's build output of this configuration (the project reference builds it first).</summary>
    public static string FunctionDirectory
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepositoryRoot, "functions", "InferenceFunction", "bin", testOutput.Parent!.Name, testOutput.Name);
            return File.Exists(Path.Combine(path, "InferenceFunction.dll"))
                ? path
                : throw new FileNotFoundException("Build functions/InferenceFunction first; the tests run its output as a process.", path);
        }
    }

    /// <summary>Where serve installs the npm-shipped emulators (ignored by git); the emulator tests share it.</summary>
    public static string EmulatorTools => Path.Combine(RepositoryRoot, ".build", "emulators");

    /// <summary>ppocr-cls (0.6 MB), copied next to the tests by TinyModel.targets.</summary>
    public static string TinyModelDirectory => Path.Combine(AppContext.BaseDirectory, "models", "ppocr-cls");

    /// <summary>A stack with one RestInferenceApi named <c>embed</c>, read into the local model.</summary>
    public static LocalStack RestApi(
        Func<RestApiSettings, RestApiSettings>? api = null,
        WafArgs? waf = null,
        Func<InferenceFunctionArgs, InferenceFunctionArgs>? function = null,
        string modelName = "ppocr-cls",
        ConfigValues? config = null,
        TrafficSplitArgs? trafficSplit = null)
    {
        var stack = new Stack(Project, "test");
        var functionArgs = new InferenceFunctionArgs
        {
            // Not published here (synthesis would measure the folder): RunningTheBuiltFunction points the model at the build output.
            Code = new CodeDirectory("../.build/test-function", Path.Combine(RepositoryRoot, ".build", "test-function")),
            Memory = DataSize.FromMebibytes(512),
            Timeout = TimeSpan.FromSeconds(20),
            Environment = new Dictionary<string, Input<string>>
            {
                ["MODEL_DIR"] = TinyModelDirectory,
                ["ORT_INTRA_OP_THREADS"] = "1",
            },
        };
        var endpoint = new RestApiSettings
        {
            StageName = "test",
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 100, BurstLimit = 100 }],
            Clients = [new ApiClient("acme", "standard")],
            ThrottleRateLimit = 1000,
            ThrottleBurstLimit = 1000,
        };
        _ = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = modelName,
            ModelVersion = "2.0.0",
            Function = function is null ? functionArgs : function(functionArgs),
            Api = api is null ? endpoint : api(endpoint),
            Waf = waf ?? new WafArgs(),
            TrafficSplit = trafficSplit,
        });
        return Read(stack, config);
    }

    /// <summary>The same stack with every function running functions/InferenceFunction's build output.</summary>
    public static LocalStack RunningTheBuiltFunction(LocalStack stack)
    {
        var executable = Path.Combine(FunctionDirectory, "InferenceFunction.dll");
        return stack with { Apis = [.. stack.Apis.Select(api => api with { Function = api.Function with { Executable = executable } })] };
    }

    public static LocalStack Read(Stack stack, ConfigValues? config = null) =>
        new LocalStackReader(new ConfigResolver(Project, config ?? ConfigValues.Empty), Path.Combine(RepositoryRoot, ".build", "function")).Read(stack);
}
