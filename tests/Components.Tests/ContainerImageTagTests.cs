using Infra.Components;
using Infra.Core;
using TestModels;

namespace Components.Tests;

/// <summary>
/// The image tag against an IMMUTABLE repository: awsx (pulumi-docker-build) rebuilds and pushes whenever the hash
/// of the Dockerfile and the build context after its ignore file changes, so the tag must change exactly then.
/// The context here is a copy of the repository's shape with the shipped Dockerfile and its ignore file.
/// </summary>
public sealed class ContainerImageTagTests : IDisposable
{
    private static readonly string[] ContextFiles =
    [
        "Directory.Build.props",
        "Directory.Packages.props",
        "functions/Contracts/Contracts.csproj",
        "functions/Inference/Inference.csproj",
        "functions/Inference/Service/Factory.cs",
        "functions/Inference/build/OnnxRuntimeLinux.targets",
        "functions/Inference/models/resnet18/model.json",
        "functions/InferenceFunction/InferenceFunction.csproj",
        "functions/InferenceFunction/Program.cs",
        "global.json",
    ];

    private static readonly string[] UnrelatedFiles =
    [
        ".build/function/native-aot-linux-x64/bootstrap",
        ".git/HEAD",
        "README.md",
        "components/Constructs/ContainerInferenceApi.cs",
        "docs/reliability.md",
        "functions/Inference/bin/Release/net10.0/Inference.dll",
        "functions/InferenceFunction/obj/project.assets.json",
        "functions/LambdaEmulator/RuntimeApiServer.cs",
        "functions/README.md",
        "tests/Components.Tests/ContainerInferenceApiTests.cs",
    ];

    private readonly string _context = Directory.CreateTempSubdirectory("image-tag-").FullName;

    public ContainerImageTagTests()
    {
        var repository = TeamStackTests.RepositoryRoot();
        foreach (var shipped in new[] { "functions/Dockerfile", "functions/Dockerfile.dockerignore" })
        {
            Write(shipped, File.ReadAllText(Path.Combine(repository, shipped)));
        }

        foreach (var file in ContextFiles.Concat(UnrelatedFiles))
        {
            Write(file, $"// {file} v1\n");
        }
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private ContainerInferenceApiArgs Args() => new()
    {
        BuildContext = new CodeDirectory("..", _context),
        ModelName = "resnet18",
        ModelVersion = "1.0.0",
        Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
    };

    private void Write(string file, string text)
    {
        var path = Path.Combine(_context, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void The_context_is_exactly_what_the_dockerfile_reads_and_no_unrelated_file()
    {
        var context = DockerBuildContext.Load(_context, "functions/Dockerfile");

        Assert.Equal("functions/Dockerfile.dockerignore", context.IgnoreFile);
        Assert.Equal(ContextFiles, context.Files);
    }

    [Theory]
    [MemberData(nameof(Unrelated))]
    public void Changing_an_unrelated_file_changes_neither_the_context_nor_the_tag(string file)
    {
        var files = DockerBuildContext.Load(_context, "functions/Dockerfile").Files;
        var tag = ContainerInferenceApi.SourceTag(Args());

        Write(file, "// changed\n");
        Write(Path.Combine(Path.GetDirectoryName(file)!, "added-beside.cs"), "// new\n");

        Assert.Equal(files, DockerBuildContext.Load(_context, "functions/Dockerfile").Files);
        Assert.Equal(tag, ContainerInferenceApi.SourceTag(Args()));
    }

    [Theory]
    [MemberData(nameof(Read))]
    public void Changing_a_file_the_build_reads_changes_the_tag(string file)
    {
        var tag = ContainerInferenceApi.SourceTag(Args());

        Write(file, "// changed\n");

        Assert.NotEqual(tag, ContainerInferenceApi.SourceTag(Args()));
    }

    [Fact]
    public void The_dockerfile_a_new_source_file_and_an_executable_bit_each_change_the_tag_as_they_change_dockers_hash()
    {
        var tags = new List<string> { ContainerInferenceApi.SourceTag(Args()) };

        File.AppendAllText(Path.Combine(_context, "functions", "Dockerfile"), "# a comment still rebuilds\n");
        tags.Add(ContainerInferenceApi.SourceTag(Args()));
        Write("functions/Inference/Service/NewFeature.cs", "// new\n");
        tags.Add(ContainerInferenceApi.SourceTag(Args()));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_context, "global.json"), File.GetUnixFileMode(Path.Combine(_context, "global.json")) | UnixFileMode.UserExecute);
            tags.Add(ContainerInferenceApi.SourceTag(Args()));
        }
        tags.Add(ContainerInferenceApi.SourceTag(Args() with { Function = new InferenceFunctionArgs { Architecture = LambdaArchitecture.Arm64 } }));

        Assert.Equal(tags.Count, tags.Distinct().Count());
    }

    /// <summary>
    /// The shipped ignore files against the repository itself: each Dockerfile's own ignore file lets in what its COPY lines
    /// read, and nothing else, so the source tag (of the Lambda image and of the GPU server image) hashes exactly that.
    /// </summary>
    [Theory]
    [InlineData("functions/Dockerfile")]
    [InlineData("functions/Dockerfile.gpu")]
    public void The_shipped_ignore_file_lets_in_exactly_what_the_dockerfiles_copy_lines_read_from_the_repository(string dockerfile)
    {
        var repository = TeamStackTests.RepositoryRoot();
        var stages = DockerfileStages.Parse(File.ReadAllText(Path.Combine(repository, dockerfile)));
        var sources = stages.SelectMany(s => s.Copies).Where(c => c.From is null).SelectMany(c => c.Sources).ToList();
        // What those COPY lines reach, less local build outputs (bin/, obj/), which the image builds for itself.
        var read = sources
            .SelectMany(source => File.Exists(Path.Combine(repository, source))
                ? [source]
                : Directory.EnumerateFiles(Path.Combine(repository, source), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repository, f).Replace('\\', '/')))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Distinct()
            .Order(StringComparer.Ordinal);

        var context = DockerBuildContext.Load(repository, dockerfile);

        Assert.Equal(dockerfile + ".dockerignore", context.IgnoreFile);
        Assert.Contains("functions/Inference/models/resnet18/", sources);
        Assert.Equal(read, context.Files);
    }

    [Fact]
    public void A_model_source_the_ignore_file_keeps_out_is_refused_with_the_line_to_add()
    {
        Write("models/big/model.json", "{}");
        var args = Args() with { ModelName = "big", ModelSource = "models/big" };

        var error = Assert.Throws<SynthesisException>(() => new ContainerInferenceApi(new Stack("proj", "dev"), "big", args));
        File.AppendAllText(Path.Combine(_context, "functions", "Dockerfile.dockerignore"), "!models/big/\n");
        new ContainerInferenceApi(new Stack("proj", "dev"), "big", args);

        Assert.Contains("ModelSource = 'models/big' is invalid: expected a folder of the build context that functions/Dockerfile.dockerignore lets in (add a line '!models/big/' to it)",
            error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Unrelated() => [.. UnrelatedFiles];

    public static TheoryData<string> Read() => [.. ContextFiles];
}
