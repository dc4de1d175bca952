using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Fuzzing;
using Inference.Contracts;
using Infra.Hosting;

namespace Components.Tests;

/// <summary>
/// Property: an invalid value for any typed key the team stacks read (stacks/TeamStacks.cs), given through
/// PULUMI_CONFIG as Pulumi's compiler call does, stops synth with exit code 1, no program on stdout and an error
/// naming the key. Values are random text, numbers out of range and other JSON types.
/// </summary>
public sealed class TeamStackConfigFuzzTests
{
    private const string Project = "ml-serving";

    /// <summary>Each typed key, with the rule that tells a valid value from an invalid one.</summary>
    private static readonly (string Key, Func<string, bool> IsValid)[] TypedKeys =
    [
        ("memoryMb", raw => IntIn(raw, 128, 10240)),
        ("containerMemoryMb", raw => IntIn(raw, 128, 10240)),
        ("monthlyQuotaPerClient", raw => IntIn(raw, 1, int.MaxValue)),
        ("p95DurationMsThreshold", raw => IntIn(raw, 1, 900_000)),
        ("timeoutSeconds", raw => IntIn(raw, 1, 29)),
        ("peakProvisionedConcurrency", raw => IntIn(raw, 1, 1000)),
        ("monthlyBudgetUsd", raw => IntIn(raw, 1, 1_000_000)),
        ("logRetentionDays", raw => int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var days)
            && Infra.Components.InferenceFunction.AllowedRetentionDays.Contains(days)),
        ("predictionLogSampleRate", raw => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
            && rate is >= 0 and <= 1),
        ("sharedCache", raw => raw is "true" or "false"),
        ("architecture", raw => raw is "x86_64" or "arm64"),
        ("modelVersion", SemanticVersion.IsValid),
        ("apiClients", IsStringList),
        ("abPercent", raw => IntIn(raw, 0, 100)),
        ("migratedPercent", raw => IntIn(raw, 0, 100)),
        ("shadowPercent", raw => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100),
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String,
        Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Int[-100, 20_000].Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.OneOf<string>("", " ", "1.5", "1e3", "0x10", "NaN", "Infinity", "-0", "+5", " 42 ", "2147483648", "٣", "True",
            "FALSE", "yes", "arm", "X86_64", "v1.2.3", "1.2", "01.2.3", "[]", "[1]", "[null]", "{}", "null", "\"a\"", "[\"a\",2]"));

    /// <summary>(key, the raw value synth reads, the PULUMI_CONFIG text) for an invalid value of a typed key.</summary>
    private static readonly Gen<(string Key, string Raw, string Config)> InvalidSetting =
        Gen.Select(Gen.Int[0, TypedKeys.Length - 1], Text, Gen.Bool)
            .Select((index, text, asJson) => ToSetting(TypedKeys[index].Key, text, asJson))
            .Where(setting => !TypedKeys.Single(k => k.Key == setting.Key).IsValid(setting.Raw));

    [Fact]
    public void Invalid_typed_config_values_stop_synth_with_an_error_naming_the_key() =>
        Gen.Select(InvalidSetting, Gen.OneOf<string>("dev", "prod")).Sample((setting, stack) =>
            {
                var (code, program, errors) = Synth(stack, setting.Config);

                Assert.Equal(1, code);
                Assert.Equal("", program);
                Assert.Contains($"config key '{Project}:{setting.Key}'", errors, StringComparison.Ordinal);
            },
            iter: FuzzIterations.Get(1000), threads: 1, print: t => $"{t.Item2} {t.Item1.Config}");

    /// <summary>
    /// Found by the property above: a null client name threw ArgumentNullException out of synth, and a blank one
    /// failed in the API component without naming the config key.
    /// </summary>
    [Theory]
    [InlineData("[null]")]
    [InlineData("null")]
    [InlineData("[\"a\",null]")]
    [InlineData("[\"\"]")]
    [InlineData("[\" \"]")]
    [InlineData("[\"Team A\"]")]
    public void Regression_api_clients_that_are_not_valid_client_names_stop_synth_naming_the_key(string clients)
    {
        var (code, program, errors) = Synth("dev", new JsonObject { [$"{Project}:apiClients"] = clients }.ToJsonString());

        Assert.Equal((1, ""), (code, program));
        Assert.Contains($"config key '{Project}:apiClients'", errors, StringComparison.Ordinal);
    }

    /// <summary>The value as a JSON string, or, when it is JSON text itself and asJson is set, as that JSON value.</summary>
    private static (string Key, string Raw, string Config) ToSetting(string key, string text, bool asJson)
    {
        JsonNode? value = JsonValue.Create(text);
        if (asJson && TryParseJson(text) is { } parsed && parsed.GetValueKind() != JsonValueKind.String)
        {
            value = parsed;
        }

        var config = new JsonObject { [$"{Project}:{key}"] = value }.ToJsonString();
        // What the loader reads: a string's text, or any other JSON value's raw text.
        var raw = value!.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return (key, raw, config);
    }

    private static JsonNode? TryParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IntIn(string raw, int min, int max) =>
        int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max;

    private static bool IsStringList(string raw)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(raw) is { } list && list.All(Infra.Components.ApiClient.IsValidName);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Runs synth of a team stack as Pulumi's compiler call does, with this PULUMI_CONFIG.</summary>
    internal static (int ExitCode, string Program, string Errors) Synth(string stack, string pulumiConfig)
    {
        var environment = new Dictionary<string, string> { ["PULUMI_STACK"] = stack, ["PULUMI_CONFIG"] = pulumiConfig };
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run([], Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = TeamStackTests.RepositoryRoot(),
            Environment = name => environment.GetValueOrDefault(name),
        });
        return (code, output.ToString(), errors.ToString());
    }
}
