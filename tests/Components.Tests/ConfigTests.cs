using Infra.Components;
using Infra.Configuration;

namespace Components.Tests;

public class ConfigTests
{
    private static StackConfig Config(string json) => new("ml", ConfigLoader.FromPulumiConfigJson(json));

    [Fact]
    public void Values_are_read_from_pulumi_config_by_project_namespace()
    {
        var config = Config("""{"ml:memoryMb":"2048","ml:tracing":"true","aws:region":"eu-west-1","ml:ratio":"0.25"}""");

        Assert.Equal(2048, config.GetInt32("memoryMb", 128, 128, 10240));
        Assert.True(config.GetBoolean("tracing", false));
        Assert.Equal(0.25, config.GetDouble("ratio", 1));
        Assert.Equal("eu-west-1", config.GetString("aws:region"));
        Assert.Equal("fallback", config.GetString("missing", "fallback"));
        config.ThrowIfInvalid();
    }

    [Theory]
    [InlineData("memoryMb", "lots", "config key 'ml:memoryMb' has value 'lots': expected an integer from 128 to 10240")]
    [InlineData("memoryMb", "64", "config key 'ml:memoryMb' has value '64': expected an integer from 128 to 10240")]
    [InlineData("architecture", "sparc", "config key 'ml:architecture' has value 'sparc': expected one of x86_64, arm64")]
    [InlineData("tracing", "yes", "config key 'ml:tracing' has value 'yes': expected true or false")]
    [InlineData("retention", "8", "config key 'ml:retention' has value '8': expected one of 1, 7, 30")]
    public void A_bad_value_names_the_key_the_value_and_what_is_allowed(string key, string value, string expected)
    {
        var config = Config($$"""{"ml:{{key}}":"{{value}}"}""");
        config.GetInt32("memoryMb", 2048, 128, 10240);
        config.GetChoice("architecture", "x86_64", "x86_64", "arm64");
        config.GetBoolean("tracing", false);
        config.GetInt32("retention", 7, [1, 7, 30]);

        var error = Assert.Throws<ConfigException>(config.ThrowIfInvalid);

        Assert.Equal([expected], error.Problems);
    }

    [Fact]
    public void A_providers_word_is_read_into_its_type()
    {
        var config = Config("""{"ml:architecture":"arm64"}""");

        Assert.Same(LambdaArchitecture.Arm64, config.GetChoice("architecture", LambdaArchitecture.X86_64, LambdaArchitecture.All));
        Assert.Same(QuotaPeriod.Month, config.GetChoice("period", QuotaPeriod.Month, QuotaPeriod.All));
        config.ThrowIfInvalid();
    }

    [Fact]
    public void An_unknown_word_for_a_typed_value_names_the_key_the_value_and_what_is_allowed()
    {
        var config = Config("""{"ml:architecture":"sparc","ml:limit":"KB_8"}""");

        Assert.Same(LambdaArchitecture.X86_64, config.GetChoice("architecture", LambdaArchitecture.X86_64, LambdaArchitecture.All));
        config.GetChoice("limit", WafBodyInspectionLimit.Kb16, WafBodyInspectionLimit.All);
        var error = Assert.Throws<ConfigException>(config.ThrowIfInvalid);

        Assert.Equal(
        [
            "config key 'ml:architecture' has value 'sparc': expected one of x86_64, arm64",
            "config key 'ml:limit' has value 'KB_8': expected one of KB_16, KB_32, KB_48, KB_64",
        ], error.Problems);
    }

    [Fact]
    public void A_misspelled_key_is_an_error_instead_of_a_silently_ignored_setting()
    {
        var config = Config("""{"ml:memorMb":"4096"}""");
        config.GetInt32("memoryMb", 2048, 128, 10240);

        var error = Assert.Throws<ConfigException>(config.ThrowIfInvalid);

        Assert.Contains("config key 'ml:memorMb' is not a setting of this stack", error.Message, StringComparison.Ordinal);
        Assert.Contains("known keys: memoryMb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_key_says_how_to_set_it()
    {
        var config = Config("{}");
        config.RequireString("domain");

        var error = Assert.Throws<ConfigException>(config.ThrowIfInvalid);

        Assert.Contains("config key 'ml:domain' is required and missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("pulumi config set domain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var config = Config("""{"ml:a":"x","ml:b":"y"}""");
        config.GetInt32("a", 1);
        config.GetBoolean("b", false);

        Assert.Equal(2, Assert.Throws<ConfigException>(config.ThrowIfInvalid).Problems.Count);
    }

    [Fact]
    public void In_discovery_every_getter_answers_its_default_and_nothing_is_an_error()
    {
        var config = new StackConfig("ml", ConfigValues.Empty, isDiscovery: true);

        Assert.Equal(2048, config.GetInt32("memoryMb", 2048, 128, 10240));
        Assert.Equal("", config.RequireString("domain"));
        config.ThrowIfInvalid();
    }

    [Fact]
    public void Malformed_pulumi_config_is_a_config_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.FromPulumiConfigJson("{not json"));

        Assert.Contains("PULUMI_CONFIG is not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_file_gives_scalars_lists_and_encrypted_keys()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """
            config:
              aws:region: eu-west-1
              ml:memoryMb: "2048"
              ml:allowedIps:
                - 10.0.0.1/32
                - 10.0.0.2/32
              ml:alarmEmail:
                secure: v1:abc
            """);

        var values = ConfigLoader.FromStackFile(file);
        var config = new StackConfig("ml", values);

        Assert.Equal(["10.0.0.1/32", "10.0.0.2/32"], config.GetStringList("allowedIps"));
        Assert.Equal(2048, config.GetInt32("memoryMb", 1));
        Assert.Contains("ml:alarmEmail", values.EncryptedKeys);
        Assert.True(config.Has("alarmEmail"));
        File.Delete(file);
    }

    [Fact]
    public void A_secret_is_referenced_not_read_and_a_missing_one_is_reported()
    {
        var stack = new Infra.Core.Stack("ml", "dev");
        var present = new StackConfig("ml", new ConfigValues(new Dictionary<string, string>(), new HashSet<string> { "ml:alarmEmail" }));
        present.RequireSecret(stack, "alarmEmail");
        present.ThrowIfInvalid();

        var missing = Config("{}");
        missing.RequireSecret(new Infra.Core.Stack("ml", "dev"), "alarmEmail");
        Assert.Contains("pulumi config set --secret alarmEmail", Assert.Throws<ConfigException>(missing.ThrowIfInvalid).Message, StringComparison.Ordinal);
    }
}
