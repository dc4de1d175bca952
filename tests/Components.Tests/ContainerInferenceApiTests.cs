using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public sealed partial class ContainerInferenceApiTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("container-context").FullName;

    public ContainerInferenceApiTests()
    {
        Directory.CreateDirectory(Path.Combine(_context, "functions", "Fn"));
        File.WriteAllText(Path.Combine(_context, "functions", "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_context, "functions", "Fn", "Program.cs"), "// v1\n");
        Directory.CreateDirectory(Path.Combine(_context, "models", "big"));
        File.WriteAllText(Path.Combine(_context, "models", "big", "model.json"), "{}");
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private ContainerInferenceApiArgs Args() => new()
    {
        BuildContext = new CodeDirectory("..", _context),
        ModelName = "big",
        ModelVersion = "2.0.0",
        ModelSource = "models/big",
        ForceDelete = true,
        Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
    };

    [Fact]
    public void The_container_pattern_gives_the_outputs_of_the_rest_pattern()
    {
        var stack = new Stack("proj", "dev");
        var api = new ContainerInferenceApi(stack, "big", Args() with { PredictionLogSampleRate = 0.1 });

        IInferenceApi outputs = api;
        stack.Export("alias", outputs.AliasName);
        Assert.Equal("${big-function-alias.name}", StackTemplate.FromStack(stack).At("outputs", "alias"));
        Assert.Equal("big-predictions", outputs.PredictionsLog?.LogicalName);
        Assert.Null(outputs.ModelBucketName);
        Assert.Equal(typeof(IInferenceApi).GetProperties().Select(p => p.Name).Order(), typeof(IInferenceApi).GetProperties().Select(p => p.Name).Intersect(typeof(RestInferenceApi).GetProperties().Select(p => p.Name)).Order());
    }

    private static StackTemplate SynthContainer(ContainerInferenceApiArgs args)
    {
        var stack = new Stack("proj", "dev");
        new ContainerInferenceApi(stack, "big", args);
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void The_container_function_gets_its_ElastiCache_shared_cache_in_its_own_network()
    {
        var network = new FunctionNetworkArgs { SubnetIds = ["subnet-0a1b2c3d4e5f60718"], SecurityGroupIds = ["sg-0f1b2c3d4e5f60718"], VpcId = "vpc-0a1b2c3d4e5f60718" };
        var template = SynthContainer(Args() with { SharedCache = SharedCacheStore.ElastiCacheServerless, Function = new InferenceFunctionArgs { Network = network } });

        Assert.Equal("${big-cache.endpoints[0].address}:${big-cache.endpoints[0].port}",
            template.Property("big-function-function", "environment", "variables", "PREDICTION_CACHE_REDIS_ENDPOINT"));
        Assert.Equal(["sg-0f1b2c3d4e5f60718"], (List<object?>)template.Property("big-cache-sg", "ingress", 0, "securityGroups")!);
        Assert.Equal(["subnet-0a1b2c3d4e5f60718"], (List<object?>)template.Property("big-cache", "subnetIds")!);
    }

    [Fact]
    public void The_registry_is_kms_encrypted_scans_on_push_keeps_tags_immutable_and_expires_old_images()
    {
        var template = SynthContainer(Args() with { ImagesToKeep = 5 });

        Assert.Equal("IMMUTABLE", template.Property("big-repository", "imageTagMutability"));
        Assert.Equal(true, template.Property("big-repository", "imageScanningConfiguration", "scanOnPush"));
        Assert.Equal("KMS", template.Property("big-repository", "encryptionConfigurations", 0, "encryptionType"));
        Assert.Equal("${big-registry-key.arn}", template.Property("big-repository", "encryptionConfigurations", 0, "kmsKey"));
        Assert.Equal(5L, template.Property("big-lifecycle", "policy", "fn::toJSON", "rules", 0, "selection", "countNumber"));
        Assert.Equal("expire", template.Property("big-lifecycle", "policy", "fn::toJSON", "rules", 0, "action", "type"));
    }

    /// <summary>
    /// ECR encrypts images through grants it creates on the key (AWS: "Encryption at rest", Amazon ECR), so the key
    /// policy needs no service principal: the account administers it, and nothing reads logs with it.
    /// </summary>
    [Fact]
    public void The_registry_key_policy_lets_only_the_account_administer_it_and_no_log_service_use_it()
    {
        var statements = (List<object?>)SynthContainer(Args()).Property("big-registry-key", "policy", "fn::toJSON", "Statement")!;

        Assert.Equal(["AccountAdministersKey"], statements.Select(s => (string?)ProgramValues.At(s, "Sid")));
        Assert.Equal("arn:${aws-partition.partition}:iam::${aws-caller-identity.accountId}:root", ProgramValues.At(statements[0], "Principal", "AWS"));
        Assert.DoesNotContain("logs.", System.Text.Json.JsonSerializer.Serialize(statements), StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_is_built_from_the_dockerfile_with_the_model_and_the_function_runs_it_by_digest()
    {
        var template = SynthContainer(Args() with { Function = new InferenceFunctionArgs { Memory = DataSize.FromMebibytes(10240), Architecture = LambdaArchitecture.Arm64 } });

        Assert.Equal("awsx:ecr:Image", template.At("resources", "big-image", "type"));
        Assert.Equal("3.9.0", template.At("resources", "big-image", "options", "version"));
        Assert.Equal("${big-repository.repositoryUrl}", template.Property("big-image", "repositoryUrl"));
        Assert.Equal("../functions/Dockerfile", template.Property("big-image", "dockerfile"));
        Assert.Equal("linux/arm64", template.Property("big-image", "platform"));
        Assert.Equal("models/big", template.Property("big-image", "args", "MODEL_SOURCE"));
        Assert.Equal("Image", template.Property("big-function-function", "packageType"));
        Assert.Equal("${big-image.imageUri}", template.Property("big-function-function", "imageUri"));
        Assert.Equal(10240m, template.Property("big-function-function", "memorySize"));
        Assert.Equal("${big-function-alias.invokeArn}", template.Property("big-api-predict-integration", "uri"));
        Assert.Equal("${big-waf-acl.arn}", template.Property("big-waf-association-api", "webAclArn"));
    }

    [Fact]
    public void The_image_tag_follows_the_sources_so_immutable_tags_never_collide()
    {
        var first = ContainerInferenceApi.SourceTag(Args());
        Assert.Equal(first, ContainerInferenceApi.SourceTag(Args()));

        File.WriteAllText(Path.Combine(_context, "functions", "Fn", "Program.cs"), "// v2\n");

        Assert.NotEqual(first, ContainerInferenceApi.SourceTag(Args()));
        Assert.Matches("^src-[0-9a-f]{16}$", first);
    }

    [Fact]
    public void Code_or_an_image_in_the_function_args_is_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthContainer(Args() with { Function = new InferenceFunctionArgs { Code = new CodeDirectory("x", "/x") } }));

        Assert.Contains("component 'big': Function.Code = 'x' is invalid: expected unset", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The repository's Dockerfile, checked as text: no Docker engine runs here.</summary>
    [Fact]
    public void The_shipped_dockerfile_pins_its_bases_builds_native_aot_on_al2023_and_copies_the_model()
    {
        var dockerfile = File.ReadAllText(Path.Combine(TeamStackTests.RepositoryRoot(), "functions", "Dockerfile"));
        var images = ImageArgument().Matches(dockerfile).Select(m => m.Groups[2].Value).ToList();

        Assert.Equal(2, images.Count);
        Assert.All(images, image => Assert.Matches(@"@sha256:[0-9a-f]{64}$", image));
        Assert.Contains(images, i => i.StartsWith("public.ecr.aws/amazonlinux/amazonlinux:2023@", StringComparison.Ordinal));
        Assert.Contains(images, i => i.StartsWith("public.ecr.aws/lambda/provided:al2023@", StringComparison.Ordinal));
        Assert.DoesNotContain(":latest", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"FROM \$\{BUILD_IMAGE\} AS build", dockerfile);
        Assert.Contains("-p:PublishProfile=NativeAot", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /out/bootstrap ${LAMBDA_RUNTIME_DIR}/bootstrap", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY ${MODEL_SOURCE}/ /opt/models/${MODEL_NAME}/", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENV MODEL_DIR=/opt/models", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(TeamStackTests.RepositoryRoot(), "functions", "InferenceFunction", "Properties", "PublishProfiles", "NativeAot.pubxml")));
    }

    [GeneratedRegex(@"^ARG (BUILD_IMAGE|RUNTIME_IMAGE)=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex ImageArgument();
}
