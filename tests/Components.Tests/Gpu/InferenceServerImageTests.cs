using Infra.Aws.Ecr;
using Infra.Aws.SageMaker;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests.Gpu;

/// <summary>
/// The server-mode image for a GPU endpoint: its registry, its build from functions/Dockerfile.gpu (the context narrowed
/// by that Dockerfile's own ignore file), and the endpoint's pull permission when built from it.
/// </summary>
public sealed class InferenceServerImageTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("server-context").FullName;

    public InferenceServerImageTests()
    {
        Write("functions/Dockerfile", "FROM scratch\n");
        Write("functions/Dockerfile.gpu", "FROM scratch\nCOPY functions/InferenceServer/ /src/\n");
        // The GPU Dockerfile's own ignore file lets in the server only; the Lambda host is outside its context.
        Write("functions/Dockerfile.gpu.dockerignore", "*\n!functions/InferenceServer/\n");
        Write("functions/InferenceServer/Program.cs", "// v1\n");
        Write("functions/InferenceFunction/Program.cs", "// v1\n");
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private InferenceServerImageArgs Args() => new() { BuildContext = new CodeDirectory("..", _context) };

    private void Write(string file, string text)
    {
        var path = Path.Combine(_context, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static (Stack Stack, InferenceServerImage Image) Build(InferenceServerImageArgs args)
    {
        var stack = new Stack("proj", "dev");
        return (stack, new InferenceServerImage(stack, "server", args));
    }

    [Fact]
    public void The_registry_is_kms_encrypted_scans_on_push_keeps_tags_immutable_and_expires_old_images()
    {
        var template = StackTemplate.FromStack(Build(Args() with { ImagesToKeep = 3, ForceDelete = true }).Stack);

        template.ResourceOf<Repository>("server-repository").HasProperties(new
        {
            imageTagMutability = "IMMUTABLE",
            imageScanningConfiguration = new { scanOnPush = true },
            encryptionConfigurations = new[] { new { encryptionType = "KMS", kmsKey = Match.ReferenceTo("server-registry-key", "arn") } },
            forceDelete = true,
        });
        Assert.Equal(true, template.Property("server-registry-key", "enableKeyRotation"));
        Assert.Equal("${server-repository.name}", template.Property("server-lifecycle", "repository"));
        Assert.Equal(3L, template.Property("server-lifecycle", "policy", "fn::toJSON", "rules", 0, "selection", "countNumber"));
        Assert.Equal("expire", template.Property("server-lifecycle", "policy", "fn::toJSON", "rules", 0, "action", "type"));
        StackTemplate.FromStack(Build(Args()).Stack).ResourceOf<Repository>("server-repository").HasProperties(new { forceDelete = Match.Absent() });
    }

    [Fact]
    public void The_image_is_the_gpu_dockerfile_built_for_x86_64_from_the_repository_root_with_its_source_tag()
    {
        var (stack, _) = Build(Args());
        var template = StackTemplate.FromStack(stack);

        Assert.Equal("awsx:ecr:Image", template.At("resources", "server-image", "type"));
        Assert.Equal("${server-repository.repositoryUrl}", template.Property("server-image", "repositoryUrl"));
        Assert.Equal("..", template.Property("server-image", "context"));
        Assert.Equal("../functions/Dockerfile.gpu", template.Property("server-image", "dockerfile"));
        Assert.Equal("linux/amd64", template.Property("server-image", "platform"));
        Assert.Equal(InferenceServerImage.SourceTag(Args()), template.Property("server-image", "imageTag"));
        Assert.Matches("^src-[0-9a-f]{16}$", InferenceServerImage.SourceTag(Args()));
        var docker = Assert.Single(stack.Prerequisites, p => p.Id == "docker");
        Assert.Equal(PrerequisiteOwner.DeployMachine, docker.Owner);
        Assert.Equal(["server"], docker.NeededBy);
    }

    [Fact]
    public void The_tag_follows_what_the_gpu_dockerfile_reads_and_not_the_lambda_host()
    {
        var first = InferenceServerImage.SourceTag(Args());

        Write("functions/InferenceFunction/Program.cs", "// v2\n");
        Assert.Equal(first, InferenceServerImage.SourceTag(Args()));

        Write("functions/InferenceServer/Program.cs", "// v2\n");
        var second = InferenceServerImage.SourceTag(Args());
        Assert.NotEqual(first, second);

        Write("functions/Dockerfile.gpu", "FROM scratch\nCOPY functions/InferenceServer/ /srv/\n");
        Assert.NotEqual(second, InferenceServerImage.SourceTag(Args()));
    }

    [Fact]
    public void An_endpoint_built_from_the_server_image_runs_it_by_digest_and_may_pull_from_its_repository_only()
    {
        var stack = new Stack("proj", "dev");
        var server = new InferenceServerImage(stack, "server", Args());
        var lambda = new InferenceServerImage(stack, "lambda", Args() with { Dockerfile = "functions/Dockerfile" });
        new GpuInferenceEndpoint(stack, "gpu", GpuInferenceEndpointTests.Args() with { Image = EndpointImage.From(server) });
        var template = StackTemplate.FromStack(stack);

        template.ResourceOf<Model>("gpu-model").HasProperties(new { primaryContainer = new { image = Match.ReferenceTo("server-image", "imageUri") } });
        var role = template.Access().Role("gpu-role");
        role.Can("ecr:BatchGetImage").On("server-repository");
        role.Can("ecr:GetDownloadUrlForLayer").On("server-repository");
        role.Can("ecr:BatchCheckLayerAvailability").On("server-repository");
        role.Cannot("ecr:PutImage").On("server-repository");
        role.Cannot("ecr:BatchGetImage").On("lambda-repository");
    }

    public static TheoryData<string, Func<InferenceServerImageArgs, InferenceServerImageArgs>, string> InvalidArgs() => new()
    {
        { "no images kept", a => a with { ImagesToKeep = 0 }, "component 'server': ImagesToKeep = 0 is invalid: expected an integer from 1 to 1000" },
        { "too many kept", a => a with { ImagesToKeep = 1001 }, "component 'server': ImagesToKeep = 1001 is invalid: expected an integer from 1 to 1000" },
        { "Dockerfile outside the context", a => a with { Dockerfile = "functions/Dockerfile.cuda" },
            "component 'server': Dockerfile = 'functions/Dockerfile.cuda' is invalid: expected a Dockerfile inside the build context" },
    };

    [Theory]
    [MemberData(nameof(InvalidArgs))]
    public void Invalid_args_name_the_component_and_the_key_and_emit_nothing(string what, Func<InferenceServerImageArgs, InferenceServerImageArgs> change, string expected)
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new InferenceServerImage(stack, "server", change(Args())));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Empty(stack.Resources);
    }

    [Fact]
    public void The_shipped_gpu_dockerfile_is_the_default_and_inside_the_repository()
    {
        var repository = TeamStackTests.RepositoryRoot();
        var stack = new Stack("proj", "dev");

        new InferenceServerImage(stack, "server", new InferenceServerImageArgs { BuildContext = new CodeDirectory("..", repository) });

        Assert.Equal("functions/Dockerfile.gpu.dockerignore", DockerBuildContext.Load(repository, "functions/Dockerfile.gpu").IgnoreFile);
        Assert.Equal("../functions/Dockerfile.gpu", StackTemplate.FromStack(stack).Property("server-image", "dockerfile"));
    }
}
