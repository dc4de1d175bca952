using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Core;
using Infra.Hosting;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

/// <summary>A model version pinned from the registry: the function's environment, its read scope, and promotion by config.</summary>
public sealed class ModelRegistryPinTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static StackTemplate SynthPinned(string version, Action<Stack, InferenceFunction>? export = null)
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        var function = new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = Code,
            ModelBucket = models,
            ModelName = "resnet18",
            ModelVersion = version,
        });
        export?.Invoke(stack, function);
        return StackTemplate.FromStack(stack);
    }

    private static OrderedMap Variables(StackTemplate program, string function = "embed-function") =>
        (OrderedMap)program.Property(function, "environment", "variables")!;

    [Fact]
    public void The_function_gets_the_registry_bucket_model_and_version_and_no_bundled_model_key()
    {
        var variables = Variables(SynthPinned("1.1.0-rc.1"));

        Assert.Equal("${models-bucket.bucket}", ProgramValues.At(variables, "MODEL_REGISTRY_BUCKET"));
        Assert.Equal("resnet18", ProgramValues.At(variables, "MODEL_NAME"));
        Assert.Equal("1.1.0-rc.1", ProgramValues.At(variables, "MODEL_VERSION"));
        Assert.False(ProgramValues.Has(variables, "MODEL_S3_BUCKET"));
        Assert.False(ProgramValues.Has(variables, "MODEL_S3_KEY"));
    }

    [Fact]
    public void The_role_reads_only_the_pinned_versions_folder_and_decrypts_with_the_buckets_key()
    {
        var program = SynthPinned("1.1.0");
        var statements = (List<object?>)program.Property("embed-role-policy", "policy", "fn::toJSON", "Statement")!;

        var read = statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "ReadModel");
        Assert.Equal("${models-bucket.arn}/models/resnet18/1.1.0/*", ProgramValues.At(read, "Resource"));
        Assert.Equal(["s3:GetObject", "s3:GetObjectVersion"], ((List<object?>)ProgramValues.At(read, "Action")!).Cast<string>());
        Assert.Equal("${models-key.arn}", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "DecryptModel"), "Resource"));
    }

    [Fact]
    public void Pinning_another_version_changes_only_the_functions_configuration_so_pulumi_publishes_a_version_and_moves_live()
    {
        var current = SynthPinned("1.0.0", (stack, fn) => stack.Export("alias", fn.AliasArn));
        var promoted = SynthPinned("1.1.0", (stack, fn) => stack.Export("alias", fn.AliasArn));

        Assert.Equal("1.0.0", ProgramValues.At(Variables(current), "MODEL_VERSION"));
        Assert.Equal("1.1.0", ProgramValues.At(Variables(promoted), "MODEL_VERSION"));
        var changed = ((OrderedMap)current.At("resources")!).Select(r => r.Key)
            .Where(name => JsonProgramWriter.Write(current.Resource(name)) != JsonProgramWriter.Write(promoted.Resource(name)))
            .ToList();
        Assert.Equal(["embed-function", "embed-role-policy"], changed);
        // publish: a configuration change publishes a new version; the alias follows it, and the old version stays for rollback.
        Assert.Equal(true, promoted.Property("embed-function", "publish"));
        Assert.Equal("${embed-function.version}", promoted.Property("embed-alias", "functionVersion"));
    }

    [Fact]
    public void Invalid_pins_name_the_key_the_value_and_what_is_allowed()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");

        var badVersion = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "a", new InferenceFunctionArgs
        {
            Code = Code, ModelBucket = models, ModelName = "resnet18", ModelVersion = "1.1",
        }));
        var both = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "b", new InferenceFunctionArgs
        {
            Code = Code, ModelBucket = models, ModelName = "resnet18", ModelVersion = "1.1.0", ModelKey = "models/x/model.onnx",
        }));
        var noName = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "c", new InferenceFunctionArgs
        {
            Code = Code, ModelBucket = models, ModelVersion = "1.1.0",
        }));
        var noBucket = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "d", new InferenceFunctionArgs
        {
            Code = Code, ModelName = "resnet18", ModelVersion = "1.1.0",
        }));

        Assert.StartsWith("component 'a': ModelVersion = '1.1' is invalid: expected a semantic version (SemVer 2.0.0)", Assert.Single(badVersion.Problems), StringComparison.Ordinal);
        Assert.Equal("component 'b': ModelKey = 'models/x/model.onnx' is invalid: expected exactly one of ModelKey and ModelVersion (a registry version) when ModelBucket is set",
            Assert.Single(both.Problems));
        Assert.StartsWith("component 'c': ModelName = null is invalid: expected the registry model's name when ModelVersion is set", Assert.Single(noName.Problems), StringComparison.Ordinal);
        Assert.Equal("component 'd': ModelBucket = null is invalid: expected set when ModelKey or ModelVersion is (the bucket they are in)", Assert.Single(noBucket.Problems));
    }

    [Fact]
    public void The_api_and_batch_patterns_pin_their_model_name_and_version_into_a_registry_function()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        var alerts = new AlarmNotifications(stack, "alerts");
        new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "1.2.0",
            Function = new InferenceFunctionArgs { Code = Code, ModelBucket = models },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            ModelName = "resnet18",
            ModelVersion = "1.2.0",
            Notifications = alerts,
            Function = new InferenceFunctionArgs { Code = Code, ModelBucket = models, Timeout = TimeSpan.FromSeconds(120) },
        });

        var program = StackTemplate.FromStack(stack);

        foreach (var function in new[] { "embed-function-function", "batch-function-function" })
        {
            Assert.Equal("1.2.0", ProgramValues.At(Variables(program, function), "MODEL_VERSION"));
            Assert.Equal("resnet18", ProgramValues.At(Variables(program, function), "MODEL_NAME"));
        }

        // The metric dimension is the version actually served.
        foreach (var pattern in new[] { "embed", "batch" })
        {
            Assert.Equal("1.2.0", ProgramValues.At(program.Property($"{pattern}-monitoring-cold-start-rate", "metricQueries", 0, "metric"), "dimensions", "ModelVersion"));
        }
    }

    [Fact]
    public void A_pattern_refuses_a_function_pinned_to_another_version_than_its_own()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");

        var error = Assert.Throws<SynthesisException>(() => new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "1.2.0",
            Function = new InferenceFunctionArgs { Code = Code, ModelBucket = models, ModelVersion = "1.1.0" },
        }));

        Assert.Contains("component 'embed': Function.ModelVersion = '1.1.0' is invalid: expected unset or '1.2.0': the pattern's ModelVersion is the registry version its function serves",
            error.Problems);
    }

    private static (int Code, JsonNode? Program, string Errors) SynthTeamStack(string config)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run(["synth", "--format", "json"], Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = TeamStackTests.RepositoryRoot(),
            Environment = name => name switch { "PULUMI_STACK" => "dev", "PULUMI_CONFIG" => config, _ => null },
        });
        return (code, code == 0 ? JsonNode.Parse(output.ToString()) : null, errors.ToString());
    }

    [Fact]
    public void The_team_stacks_modelVersion_pins_the_api_and_batch_functions_and_modelBucket_names_the_bucket()
    {
        var (code, program, errors) = SynthTeamStack("""{"ml-serving:modelVersion":"1.1.0","ml-serving:modelBucket":"acme-ml-models-dev"}""");

        Assert.True(code == 0, errors);
        var resources = program!["resources"]!;
        foreach (var function in new[] { "embed-function-function", "batch-function-function" })
        {
            var variables = resources[function]!["properties"]!["environment"]!["variables"]!;
            Assert.Equal("1.1.0", (string?)variables["MODEL_VERSION"]);
            Assert.Equal("${models-bucket.bucket}", (string?)variables["MODEL_REGISTRY_BUCKET"]);
        }

        Assert.Equal("acme-ml-models-dev", (string?)resources["models-bucket"]!["properties"]!["bucket"]);
        // The container pattern is pinned too: its image carries no model of its own then.
        var pinned = resources.AsObject()
            .Where(r => (string?)r.Value!["type"] == "aws:lambda/function:Function" && r.Value["properties"]?["environment"]?["variables"]?["MODEL_VERSION"] is not null)
            .Select(r => r.Key);
        Assert.Equal(["batch-function-function", "embed-function-function", "large-function-function"], pinned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_modelVersion_the_team_stack_serves_the_bundled_model()
    {
        var (code, program, errors) = SynthTeamStack("{}");

        Assert.True(code == 0, errors);
        var variables = program!["resources"]!["embed-function-function"]!["properties"]!["environment"]!["variables"]!;
        Assert.Null(variables["MODEL_REGISTRY_BUCKET"]);
        Assert.Equal("resnet18", (string?)variables["MODEL_NAME"]);
        Assert.Null(program["resources"]!["models-bucket"]!["properties"]?["bucket"]);
    }

    [Fact]
    public void A_bad_modelVersion_is_a_config_error_naming_the_key_and_value()
    {
        var (code, _, errors) = SynthTeamStack("""{"ml-serving:modelVersion":"1.1"}""");

        Assert.Equal(1, code);
        Assert.Contains("config key 'ml-serving:modelVersion' has value '1.1': expected a semantic version (SemVer 2.0.0)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_modelBucket_is_refused_by_the_bucket_component()
    {
        var (code, _, errors) = SynthTeamStack("""{"ml-serving:modelBucket":"Bad_Bucket"}""");

        Assert.Equal(1, code);
        Assert.Contains("component 'models': BucketName = 'Bad_Bucket' is invalid: expected an S3 bucket name", errors, StringComparison.Ordinal);
    }
}
