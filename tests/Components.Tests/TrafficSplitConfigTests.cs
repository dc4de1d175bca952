namespace Components.Tests;

/// <summary>The team stacks' traffic-split keys (stacks/TrafficSplitConfig.cs): A/B, migration steps, shadow.</summary>
public sealed class TrafficSplitConfigTests
{
    private static (int ExitCode, string Program, string Errors) Synth(string config) => TeamStackConfigFuzzTests.Synth("dev", config);

    /// <summary>The TRAFFIC_SPLIT value in the emitted program (a JSON string inside the JSON or YAML program).</summary>
    private static string? SplitOf(string program)
    {
        var line = program.Split('\n').FirstOrDefault(l => l.Contains("TRAFFIC_SPLIT", StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim(',');
    }

    [Fact]
    public void Without_split_keys_the_function_serves_one_model()
    {
        var (code, program, errors) = Synth("{}");

        Assert.True(code == 0, errors);
        Assert.Null(SplitOf(program));
    }

    [Fact]
    public void An_AB_test_of_a_second_registry_version_is_sticky_by_the_configured_header()
    {
        var (code, program, errors) = Synth("""{"ml-serving:modelVersion":"1.0.0","ml-serving:abVersion":"1.1.0","ml-serving:abPercent":"20","ml-serving:stickyHeader":"x-api-key"}""");

        Assert.True(code == 0, errors);
        var split = SplitOf(program)!;
        Assert.Contains("a\\\",\\\"weight\\\":80", split, StringComparison.Ordinal);
        Assert.Contains("b\\\",\\\"weight\\\":20,\\\"modelVersion\\\":\\\"1.1.0", split, StringComparison.Ordinal);
        Assert.Contains("stickyHeader\\\":\\\"x-api-key", split, StringComparison.Ordinal);
        Assert.Contains("models/resnet18/1.1.0/*", program, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(100)]
    public void A_migration_moves_the_configured_share_from_the_legacy_endpoint_to_the_function(int migrated)
    {
        var (code, program, errors) = Synth($$"""{"ml-serving:legacyUrl":"https://old.example.com/ml","ml-serving:migratedPercent":"{{migrated}}","ml-serving:shadowPercent":"100"}""");

        Assert.True(code == 0, errors);
        var split = SplitOf(program)!;
        Assert.Contains($"legacy\\\",\\\"weight\\\":{100 - migrated},\\\"url\\\":\\\"https://old.example.com/ml", split, StringComparison.Ordinal);
        Assert.Contains($"serverless\\\",\\\"weight\\\":{migrated}", split, StringComparison.Ordinal);
        Assert.Contains("shadow\\\":{\\\"variant\\\":\\\"serverless\\\",\\\"percent\\\":100}", split, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"ml-serving:abVersion":"1.1.0"}""", "config key 'ml-serving:abVersion' has value '1.1.0': expected unset unless modelVersion pins a registry version")]
    [InlineData("""{"ml-serving:modelVersion":"1.0.0","ml-serving:abVersion":"1.0.0"}""", "config key 'ml-serving:abVersion' has value '1.0.0': expected a version other than modelVersion (1.0.0)")]
    [InlineData("""{"ml-serving:modelVersion":"1.0.0","ml-serving:shadowVersion":"v2"}""", "config key 'ml-serving:shadowVersion' has value 'v2'")]
    [InlineData("""{"ml-serving:legacyUrl":"https://old.example.com","ml-serving:modelVersion":"1.0.0","ml-serving:abVersion":"1.1.0"}""", "expected unset while legacyUrl is set")]
    [InlineData("""{"ml-serving:abPercent":"101"}""", "config key 'ml-serving:abPercent' has value '101'")]
    [InlineData("""{"ml-serving:legacyUrl":"http://old.example.com"}""", "TrafficSplit.Variants[0].BackendUrl = 'http://old.example.com' is invalid: expected an absolute https URL")]
    public void Bad_split_keys_stop_synth_with_no_program(string config, string message)
    {
        var (code, program, errors) = Synth(config);

        Assert.Equal((1, ""), (code, program));
        Assert.Contains(message, errors, StringComparison.Ordinal);
    }
}
