using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests.Rollout;

/// <summary>The container pattern serving an exact registry version, like the zip pattern.</summary>
public sealed class ContainerRegistryPinTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("container-pin").FullName;

    public ContainerRegistryPinTests()
    {
        Directory.CreateDirectory(Path.Combine(_context, "functions"));
        File.WriteAllText(Path.Combine(_context, "functions", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private ContainerInferenceApi Container(Stack stack, string version, string? modelSource = null) =>
        new(stack, "large", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", _context),
            ModelName = "resnet18",
            ModelVersion = version,
            ModelSource = modelSource,
            Function = new InferenceFunctionArgs { ModelBucket = new EncryptedBucket(stack, "models") },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });

    [Fact]
    public void The_container_function_loads_exactly_the_pinned_version_from_the_registry_and_may_read_only_its_folder()
    {
        var stack = new Stack("proj", "dev");
        Container(stack, "1.1.0");
        var template = StackTemplate.FromStack(stack);

        var variables = (Infra.Core.Synthesis.OrderedMap)template.Property("large-function-function", "environment", "variables")!;
        Assert.Equal("${models-bucket.bucket}", ProgramValues.At(variables, "MODEL_REGISTRY_BUCKET"));
        Assert.Equal("1.1.0", ProgramValues.At(variables, "MODEL_VERSION"));
        Assert.Equal("resnet18", ProgramValues.At(variables, "MODEL_NAME"));
        Assert.Equal("Image", template.Property("large-function-function", "packageType"));
        var statements = (List<object?>)template.Property("large-function-role-policy", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${models-bucket.arn}/models/resnet18/1.1.0/*", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "ReadModel"), "Resource"));
        // No model build arguments: the image carries no model that the pin would hide.
        Assert.False(template.Has("resources", "large-image", "properties", "args"));
    }

    [Fact]
    public void Promoting_changes_the_functions_configuration_but_not_the_image()
    {
        var current = new Stack("proj", "dev");
        var currentApi = Container(current, "1.0.0");
        var promoted = new Stack("proj", "dev");
        var promotedApi = Container(promoted, "1.1.0");

        var before = StackTemplate.FromStack(current);
        var after = StackTemplate.FromStack(promoted);
        Assert.Equal(before.Property("large-image", "imageTag"), after.Property("large-image", "imageTag"));
        Assert.Equal("1.1.0", after.Property("large-function-function", "environment", "variables", "MODEL_VERSION"));
        Assert.Equal("1.1.0", promotedApi.ModelVersion);
        Assert.Equal("1.0.0", currentApi.ModelVersion);
    }

    [Fact]
    public void A_baked_model_source_together_with_a_registry_pin_is_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => Container(new Stack("proj", "dev"), "1.1.0", modelSource: "models/big"));

        Assert.Contains("ModelSource = 'models/big' is invalid: expected unset when Function.ModelBucket pins a registry version", error.Message, StringComparison.Ordinal);
    }
}
