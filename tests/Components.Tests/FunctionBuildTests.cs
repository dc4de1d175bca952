using System.Text.RegularExpressions;
using Infra.Hosting;

namespace Components.Tests;

/// <summary>The team stacks' functionBuild key: which runtime, handler and published folder each value ships.</summary>
public partial class FunctionBuildTests
{
    private static (int ExitCode, string Program, string Errors) SynthDev(string config, string? autoOutcome = null)
    {
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = config };
        if (autoOutcome is not null)
        {
            environment["FUNCTION_BUILD_AUTO"] = autoOutcome;
        }

        return TeamStackTests.Synth(environment);
    }

    private static string Config(string functionBuild, string architecture) =>
        $$"""{"ml-serving:functionBuild":"{{functionBuild}}","ml-serving:architecture":"{{architecture}}"}""";

    /// <summary>The runtime, handler and code folder of both zip functions (REST API and batch), each once per function.</summary>
    private static void AssertZipFunctions(string program, string runtime, string handler, string folder)
    {
        Assert.Equal([runtime, runtime], Runtimes().Matches(program).Select(m => m.Groups[1].Value));
        Assert.Equal([handler, handler], Handlers().Matches(program).Select(m => m.Groups[1].Value));
        Assert.Equal([folder, folder], Archives().Matches(program).Select(m => m.Groups[1].Value));
    }

    [Theory]
    [InlineData("native-aot", null, "x86_64", "provided.al2023", "bootstrap", "native-aot-linux-x64")]
    [InlineData("native-aot", null, "arm64", "provided.al2023", "bootstrap", "native-aot-linux-arm64")]
    [InlineData("ready-to-run", null, "x86_64", "dotnet10", "InferenceFunction", "ready-to-run-linux-x64")]
    [InlineData("ready-to-run", null, "arm64", "dotnet10", "InferenceFunction", "ready-to-run-linux-arm64")]
    [InlineData("ready-to-run", "native-aot", "x86_64", "dotnet10", "InferenceFunction", "ready-to-run-linux-x64")]
    [InlineData("auto", "native-aot", "x86_64", "provided.al2023", "bootstrap", "native-aot-linux-x64")]
    [InlineData("auto", "native-aot", "arm64", "provided.al2023", "bootstrap", "native-aot-linux-arm64")]
    [InlineData("auto", "ready-to-run", "x86_64", "dotnet10", "InferenceFunction", "ready-to-run-linux-x64")]
    [InlineData("auto", "ready-to-run", "arm64", "dotnet10", "InferenceFunction", "ready-to-run-linux-arm64")]
    [InlineData("auto", null, "x86_64", "dotnet10", "InferenceFunction", "ready-to-run-linux-x64")]
    [InlineData("auto", null, "arm64", "dotnet10", "InferenceFunction", "ready-to-run-linux-arm64")]
    public void Each_function_build_ships_its_runtime_handler_and_folder(
        string functionBuild, string? autoOutcome, string architecture, string runtime, string handler, string folder)
    {
        var (code, program, errors) = SynthDev(Config(functionBuild, architecture), autoOutcome);

        Assert.True(code == 0, errors);
        AssertZipFunctions(program, runtime, handler, "../.build/function/" + folder);
        Assert.Equal([architecture, architecture, architecture], Architectures().Matches(program).Select(m => m.Groups[1].Value)); // with the container function
    }

    [Fact]
    public void Without_a_decision_from_compile_sh_auto_is_ready_to_run_for_discovery_and_stack_files()
    {
        var discovery = TeamStackTests.Synth([]);
        var stackFile = TeamStackTests.Synth([], "synth", "--stack", "prod");

        Assert.True(discovery.ExitCode == 0, discovery.Errors);
        AssertZipFunctions(discovery.Program, "dotnet10", "InferenceFunction", "../.build/function/ready-to-run-linux-x64");
        Assert.True(stackFile.ExitCode == 0, stackFile.Errors);
        AssertZipFunctions(stackFile.Program, "dotnet10", "InferenceFunction", "../.build/function/ready-to-run-linux-x64");
    }

    [Fact]
    public void A_wrong_value_is_a_config_error_naming_key_value_and_choices()
    {
        var (code, program, errors) = SynthDev("""{"ml-serving:functionBuild":"aot"}""");

        Assert.Equal(1, code);
        Assert.Equal("", program);
        Assert.Contains("config key 'ml-serving:functionBuild' has value 'aot': expected one of auto, native-aot, ready-to-run", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_decision_from_compile_sh_stops_synthesis_naming_the_variable()
    {
        var (code, program, errors) = SynthDev("{}", "aot");

        Assert.Equal(1, code);
        Assert.Equal("", program);
        Assert.Contains("environment variable FUNCTION_BUILD_AUTO has value 'aot': expected native-aot or ready-to-run", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "auto linux-x64 {root}\n")]
    [InlineData("""{"ml-serving:functionBuild":"native-aot","ml-serving:architecture":"arm64"}""", "native-aot linux-arm64 {root}\n")]
    [InlineData("""{"ml-serving:functionBuild":"ready-to-run"}""", "ready-to-run linux-x64 {root}\n")]
    [InlineData("""{"ml-serving:functionBuild":"aot"}""", "")]
    [InlineData("""{"ml-serving:architecture":"sparc"}""", "")]
    public void The_function_builds_command_prints_what_compile_sh_publishes(string config, string expected)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = config };
        var code = Deployment.Run(["function-builds"], Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = TeamStackTests.RepositoryRoot(),
            Environment = environment.GetValueOrDefault,
            Commands = [new Infra.Sdk.FunctionBuildsCommand()],
        });

        Assert.True(code == 0, errors.ToString());
        // The third field is the function's source root: this repository's root, which has the function's project.
        Assert.Equal(expected.Replace("{root}", TeamStackTests.RepositoryRoot(), StringComparison.Ordinal), output.ToString().ReplaceLineEndings("\n"));
    }

    [GeneratedRegex(@"architectures:\s+- (\S+)")]
    private static partial Regex Architectures();

    [GeneratedRegex(@"^ +runtime: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Runtimes();

    [GeneratedRegex(@"^ +handler: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Handlers();

    [GeneratedRegex(@"fn::fileArchive: ""?([^""\s]+)""?$", RegexOptions.Multiline)]
    private static partial Regex Archives();
}
