using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public sealed class InferenceFunctionTests : IDisposable
{
    private readonly string _code = Directory.CreateTempSubdirectory("fn-code").FullName;

    public void Dispose() => Directory.Delete(_code, recursive: true);

    private CodeDirectory CodeOfSize(long bytes)
    {
        using (var file = File.Create(Path.Combine(_code, "payload.bin")))
        {
            file.SetLength(bytes); // sparse: measured by length, costs no disk
        }

        return new CodeDirectory("../.build/function", _code);
    }

    private static readonly CodeDirectory Unpublished = new("../.build/function", "/nonexistent/function");

    private static List<object?> RoleStatements(StackTemplate template) =>
        (List<object?>)template.Property("embed-role-policy", "policy", "fn::toJSON", "Statement")!;

    [Fact]
    public void The_live_alias_points_at_the_version_each_change_publishes()
    {
        var stack = new Stack("proj", "dev");
        var embed = new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Unpublished });
        stack.Export("alias", embed.AliasArn);

        var template = StackTemplate.FromStack(stack);

        Assert.Equal(true, template.Property("embed-function", "publish"));
        Assert.Equal("live", template.Property("embed-alias", "name"));
        Assert.Equal("${embed-function.version}", template.Property("embed-alias", "functionVersion"));
        Assert.Equal("${embed-alias.arn}", template.At("outputs", "alias"));
    }

    [Fact]
    public void Defaults_are_a_dotnet10_zip_with_tracing_json_logs_to_an_encrypted_log_group_and_encrypted_environment()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Unpublished, ModelName = "resnet18" });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("Zip", template.Property("embed-function", "packageType"));
        Assert.Equal("dotnet10", template.Property("embed-function", "runtime"));
        Assert.Equal("InferenceFunction", template.Property("embed-function", "handler"));
        Assert.Equal("../.build/function", template.Property("embed-function", "code", "fn::fileArchive"));
        Assert.Equal("Active", template.Property("embed-function", "tracingConfig", "mode"));
        Assert.Equal("${embed-logs.name}", template.Property("embed-function", "loggingConfig", "logGroup"));
        Assert.Equal("${embed-key.arn}", template.Property("embed-function", "kmsKeyArn"));
        Assert.Equal("resnet18", template.Property("embed-function", "environment", "variables", "MODEL_NAME"));
        Assert.Equal("${embed-key.arn}", template.Property("embed-logs", "kmsKeyId"));
        Assert.Equal(30m, template.Property("embed-logs", "retentionInDays"));
        Assert.Equal("CloudWatchLogsUseKey", template.Property("embed-key", "policy", "fn::toJSON", "Statement", 1, "Sid"));
        Assert.Contains("${embed-role-policy}", (List<object?>)template.At("resources", "embed-function", "options", "dependsOn")!);
    }

    [Fact]
    public void Every_option_reaches_the_function()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = Unpublished,
            Runtime = LambdaRuntime.ProvidedAl2023,
            Memory = DataSize.FromMebibytes(3008),
            Timeout = TimeSpan.FromSeconds(60),
            EphemeralStorage = DataSize.FromMebibytes(2048),
            Architecture = LambdaArchitecture.Arm64,
            ReservedConcurrency = 50,
            Environment = new Dictionary<string, Input<string>> { ["LOG_LEVEL"] = "debug" },
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("bootstrap", template.Property("embed-function", "handler"));
        Assert.Equal(3008m, template.Property("embed-function", "memorySize"));
        Assert.Equal(60m, template.Property("embed-function", "timeout"));
        Assert.Equal(2048m, template.Property("embed-function", "ephemeralStorage", "size"));
        Assert.Equal("arm64", template.Property("embed-function", "architectures", 0));
        Assert.Equal(50m, template.Property("embed-function", "reservedConcurrentExecutions"));
        Assert.Equal("debug", template.Property("embed-function", "environment", "variables", "LOG_LEVEL"));
    }

    [Fact]
    public void The_role_reads_only_the_model_folder_and_uses_no_wildcard_actions()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = Unpublished,
            ModelBucket = models,
            ModelKey = "models/resnet18/1.0.0/model.onnx",
            ModelVersionId = "3HL4kqtJlcpXroDTDmJ",
        });

        var template = StackTemplate.FromStack(stack);
        var statements = RoleStatements(template);

        Assert.Equal("${models-bucket.arn}/models/resnet18/1.0.0/*", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "ReadModel"), "Resource"));
        Assert.Equal("${models-key.arn}", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "DecryptModel"), "Resource"));
        Assert.Equal("${embed-logs.arn}:*", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "WriteOwnLogs"), "Resource"));
        Assert.All(statements, s => Assert.All((List<object?>)ProgramValues.At(s, "Action")!, a => Assert.DoesNotContain("*", (string)a!, StringComparison.Ordinal)));
        // "*" resources only where AWS offers nothing narrower.
        Assert.Equal(["WriteTraces"], statements.Where(s => ProgramValues.At(s, "Resource") is "*").Select(s => (string?)ProgramValues.At(s, "Sid")));
        Assert.Equal("${models-bucket.bucket}", template.Property("embed-function", "environment", "variables", "MODEL_S3_BUCKET"));
        Assert.Equal("models/resnet18/1.0.0/model.onnx", template.Property("embed-function", "environment", "variables", "MODEL_S3_KEY"));
        Assert.Equal("3HL4kqtJlcpXroDTDmJ", template.Property("embed-function", "environment", "variables", "MODEL_S3_VERSION"));
    }

    [Fact]
    public void In_a_vpc_the_function_gets_its_subnets_security_groups_and_only_the_network_interface_rights()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = Unpublished,
            Network = new FunctionNetworkArgs { SubnetIds = ["subnet-a", "subnet-b"], SecurityGroupIds = ["sg-1"] },
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal(new List<object?> { "subnet-a", "subnet-b" }, template.Property("embed-function", "vpcConfig", "subnetIds"));
        Assert.Equal(new List<object?> { "sg-1" }, template.Property("embed-function", "vpcConfig", "securityGroupIds"));
        var network = RoleStatements(template).Single(st => (string?)ProgramValues.At(st, "Sid") == "ManageNetworkInterfaces");
        Assert.Equal("*", ProgramValues.At(network, "Resource"));
        Assert.All((List<object?>)ProgramValues.At(network, "Action")!, a => Assert.StartsWith("ec2:", (string)a!, StringComparison.Ordinal));

        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(new Stack("proj", "dev"), "embed", new InferenceFunctionArgs
        {
            Code = Unpublished,
            Network = new FunctionNetworkArgs { SubnetIds = [], SecurityGroupIds = ["sg-1"] },
        }));
        Assert.Contains("Network = '0 subnet(s), 1 security group(s)' is invalid: expected 1 to 16 subnets and 1 to 5 security groups", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failed_asynchronous_invocations_go_to_an_encrypted_dead_letter_queue()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Unpublished, AsyncRetryAttempts = 1 });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${embed-dead-letters.arn}", template.Property("embed-async-config", "destinationConfig", "onFailure", "destination"));
        Assert.Equal("${embed-alias.name}", template.Property("embed-async-config", "qualifier"));
        Assert.Equal(1m, template.Property("embed-async-config", "maximumRetryAttempts"));
        Assert.Equal("${embed-key.arn}", template.Property("embed-dead-letters", "kmsMasterKeyId"));
        Assert.Equal("${embed-dead-letters.arn}", ProgramValues.At(RoleStatements(template).Single(s => (string?)ProgramValues.At(s, "Sid") == "SendDeadLetters"), "Resource"));
    }

    [Fact]
    public void Code_over_the_direct_upload_limit_goes_through_an_artifacts_bucket()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = CodeOfSize(CodeDirectory.DirectUploadLimitBytes + 1) });

        var template = StackTemplate.FromStack(stack);

        Assert.False(template.Has("resources", "embed-function", "properties", "code"));
        Assert.Equal("${embed-artifacts-bucket.bucket}", template.Property("embed-function", "s3Bucket"));
        Assert.Equal("${embed-code.key}", template.Property("embed-function", "s3Key"));
        Assert.Equal("${embed-code.versionId}", template.Property("embed-function", "s3ObjectVersion"));
        Assert.Equal("../.build/function", template.Property("embed-code", "source", "fn::fileArchive"));
    }

    [Fact]
    public void Code_within_the_limit_is_uploaded_with_the_function()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = CodeOfSize(1024) });

        Assert.Equal("../.build/function", StackTemplate.FromStack(stack).Property("embed-function", "code", "fn::fileArchive"));
    }

    [Fact]
    public void Code_over_the_unzipped_limit_is_an_error_that_points_to_the_container_pattern()
    {
        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(new Stack("proj", "dev"), "embed",
            new InferenceFunctionArgs { Code = CodeOfSize(CodeDirectory.UnzippedLimitBytes + 1) }));

        Assert.Contains("at most 250 MB unzipped", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerInferenceApi", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_is_referenced_by_digest_and_a_tag_with_a_digest_is_refused()
    {
        var digest = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/models@sha256:" + new string('a', 64);
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "big", new InferenceFunctionArgs { ImageUri = digest, Memory = DataSize.FromMebibytes(10240) });

        var template = StackTemplate.FromStack(stack);
        Assert.Equal("Image", template.Property("big-function", "packageType"));
        Assert.Equal(digest, template.Property("big-function", "imageUri"));
        Assert.False(template.Has("resources", "big-function", "properties", "runtime"));

        var tagged = digest.Replace("/models@", "/models:v1@", StringComparison.Ordinal);
        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(new Stack("proj", "dev"), "big", new InferenceFunctionArgs { ImageUri = tagged }));
        Assert.Contains("Lambda rejects a URI with both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 512, "dotnet10", "Lambda does not combine SnapStart with provisioned concurrency")]
    [InlineData(false, 1024, "dotnet10", "SnapStart supports only the default /tmp size")]
    [InlineData(false, 512, "provided.al2023", "SnapStart applies to managed runtimes")]
    public void SnapStart_conflicts_are_validation_errors_that_explain_why(bool provisioned, int tmp, string runtime, string reason)
    {
        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(new Stack("proj", "dev"), "embed", new InferenceFunctionArgs
        {
            Code = Unpublished,
            SnapStart = true,
            EphemeralStorage = DataSize.FromMebibytes(tmp),
            Runtime = new LambdaRuntime(runtime),
            ProvisionedConcurrency = provisioned ? new ProvisionedConcurrencyScheduleArgs() : null,
        }));

        Assert.Contains("component 'embed': SnapStart = True is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapStart_alone_applies_to_published_versions()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = Unpublished, SnapStart = true });

        Assert.Equal("PublishedVersions", StackTemplate.FromStack(stack).Property("embed-function", "snapStart", "applyOn"));
    }

    [Fact]
    public void Invalid_args_name_the_component_each_key_its_value_and_what_is_allowed()
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Memory = DataSize.FromMebibytes(64),
            Architecture = new LambdaArchitecture("sparc"),
            LogRetention = TimeSpan.FromDays(10),
            ModelKey = "models/x/model.onnx",
        }));

        Assert.Equal(
        [
            "component 'embed': Code = null is invalid: expected exactly one of Code (zip) and ImageUri (container image)",
            "component 'embed': Memory = 64 MiB is invalid: expected a whole number of MiB from 128 to 10240",
            "component 'embed': Architecture = 'sparc' is invalid: expected one of x86_64, arm64",
            "component 'embed': LogRetention = 10 days is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            "component 'embed': ModelBucket = null is invalid: expected set when ModelKey or ModelVersion is (the bucket they are in)",
        ], error.Problems);
        Assert.Empty(stack.Resources);
    }
}
