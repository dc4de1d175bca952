using Infra.Aws.S3;
using Infra.Hosting;
using Infra.Policy;

namespace Components.Tests;

public sealed class HostTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("host-test").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private Dictionary<string, string> _environment = [];

    public HostTests()
    {
        File.WriteAllText(Path.Combine(_project, "Pulumi.yaml"), "name: ml\nruntime: yaml\nmain: deploy/\n");
        File.WriteAllText(Path.Combine(_project, "Pulumi.dev.yaml"), "config:\n  ml:prefix: from-file\n");
    }

    public void Dispose()
    {
        Directory.Delete(_project, recursive: true);
        _out.Dispose();
        _error.Dispose();
    }

    private static IDictionary<string, object?> Define(StackContext context)
    {
        var prefix = context.Config.GetString("prefix", "default");
        var size = context.Config.GetInt32("size", 1, 1, 10);
        var bucket = new Bucket(context.Stack, "data", new BucketArgs { BucketPrefix = $"{prefix}-{size}" });
        return new Dictionary<string, object?> { ["bucketName"] = bucket.BucketName };
    }

    private int Run(params string[] args) => Deployment.Run(args, Define, new DeploymentOptions
    {
        Out = _out,
        Error = _error,
        ProjectDirectory = _project,
        Environment = name => _environment.GetValueOrDefault(name),
        // These tests are about the host's verbs and config; a bare bucket keeps them small, and
        // PolicySynthTests covers the policy gate.
        Policies = new PolicyPack([]),
    });

    [Fact]
    public void With_no_arguments_it_synthesizes_like_pulumis_compiler_expects()
    {
        _environment = new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"ml:prefix":"from-pulumi"}""" };

        Assert.Equal(0, Run());

        Assert.Contains("bucketPrefix: from-pulumi-1", _out.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public void A_named_stack_reads_its_stack_file()
    {
        Assert.Equal(0, Run("synth", "--stack", "dev"));

        Assert.Contains("bucketPrefix: from-file-1", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_pulumi_variables_it_still_emits_a_program_from_defaults()
    {
        Assert.Equal(0, Run());

        Assert.StartsWith("name: ml\n", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("bucketPrefix: default-1", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("type: aws:s3/bucket:Bucket", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_config_emits_nothing_and_names_key_value_and_allowed_range()
    {
        _environment = new() { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = """{"ml:size":"99"}""" };

        Assert.Equal(1, Run());

        Assert.Equal("", _out.ToString());
        Assert.Contains("config key 'ml:size' has value '99': expected an integer from 1 to 10", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Out_writes_a_file_and_json_is_a_valid_program()
    {
        var file = Path.Combine(_project, "program.json");

        Assert.Equal(0, Run("synth", "--stack", "dev", "--format", "json", "--out", file));

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal("aws:s3/bucket:Bucket", json.RootElement.GetProperty("resources").GetProperty("data").GetProperty("type").GetString());
        Assert.Equal("${data.bucket}", json.RootElement.GetProperty("outputs").GetProperty("bucketName").GetString());
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void Help_lists_the_verbs_and_an_unknown_verb_or_option_is_a_usage_error()
    {
        Assert.Equal(0, Run("--help"));
        Assert.Contains("synth [--stack NAME] [--out FILE] [--format yaml|json]", _out.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, Run("deploy"));
        Assert.Contains("unknown command 'deploy'", _error.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, Run("synth", "--stak", "dev"));
        Assert.Contains("synth does not accept --stak", _error.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, Run("synth", "--format", "toml"));

        Assert.Equal(2, Run("synth", "dev"));
        Assert.Contains("synth does not accept dev", _error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A verb with a sub-verb and operands, like <c>model push NAME VERSION FILE</c>.</summary>
    private sealed class EchoCommand : IHostCommand
    {
        public string Name => "echo";

        public string Summary => "prints its arguments";

        public string Usage => "echo <word>... [--sep S]";

        public IReadOnlyCollection<string> Options { get; } = ["sep"];

        public bool TakesArguments => true;

        public int Run(HostInvocation invocation)
        {
            invocation.Out.Write(string.Join(invocation.CommandLine.Option("sep") ?? " ", invocation.CommandLine.Arguments));
            return ExitCodes.Success;
        }
    }

    [Fact]
    public void A_verb_that_takes_arguments_gets_them_in_order_around_its_options_and_still_refuses_unknown_options()
    {
        int RunEcho(params string[] args) => Deployment.Run(args, Define, new DeploymentOptions
        {
            Commands = [new EchoCommand()],
            Out = _out,
            Error = _error,
            ProjectDirectory = _project,
        });

        Assert.Equal(0, RunEcho("echo", "push", "--sep", "|", "m", "1.0.0+b.1", "file.onnx"));
        Assert.Equal("push|m|1.0.0+b.1|file.onnx", _out.ToString());

        Assert.Equal(2, RunEcho("echo", "push", "--config", "x.json"));
        Assert.Contains("echo does not accept --config", _error.ToString(), StringComparison.Ordinal);
    }
}
