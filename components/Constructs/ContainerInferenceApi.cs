using Infra.Aws.Ecr;
using Infra.Awsx.Ecr;
using Infra.Core;

namespace Infra.Components;

public sealed record ContainerInferenceApiArgs : InferenceApiArgs
{
    private readonly InferenceFunctionArgs? _function;

    /// <summary>
    /// Memory, timeout, concurrency and the rest; Code and ImageUri are set by the pattern. Unset: 10,240 MB for a model
    /// in the function, <see cref="GpuBackendArgs.FrontMemory"/> for a front of a <see cref="GpuBackend"/>.
    /// </summary>
    public InferenceFunctionArgs Function
    {
        get => _function ?? new() { Memory = GpuBackend is null ? DataSize.FromMebibytes(10240) : GpuBackendArgs.FrontMemory };
        init => _function = value;
    }

    /// <summary>A SageMaker GPU endpoint that serves the model: the function is then its front and bundles no model (docs/gpu.md).</summary>
    public GpuBackendArgs? GpuBackend { get; init; }

    /// <summary>The repository's source folder (Docker build context), as Pulumi sees it from the program folder.</summary>
    public required CodeDirectory BuildContext { get; init; }

    /// <summary>The Dockerfile, relative to the build context.</summary>
    public string Dockerfile { get; init; } = "functions/Dockerfile";

    /// <summary>
    /// A folder in the build context holding the model (model.json beside its ONNX file); null serves the bundled models.
    /// Leave it unset to serve an exact registry version instead: set <c>Function.ModelBucket</c> and the pattern's
    /// <c>ModelVersion</c>, as with <see cref="RestInferenceApi"/>.
    /// </summary>
    public string? ModelSource { get; init; }

    /// <summary>Images the registry keeps; older ones expire (the deployed one is always among the newest).</summary>
    public int ImagesToKeep { get; init; } = 10;

    /// <summary>Let <c>pulumi destroy</c> delete a repository that still holds images (dev stacks only).</summary>
    public bool ForceDelete { get; init; }
}

/// <summary>
/// Pattern 2, large models: a KMS-encrypted ECR repository with scan on push, immutable tags and
/// a lifecycle policy; the image built from <c>functions/Dockerfile</c> (Native AOT on Amazon
/// Linux 2023 plus the model); the function on that image by digest; and the same API, WAF and
/// monitoring as <see cref="RestInferenceApi"/>. With <see cref="ContainerInferenceApiArgs.GpuBackend"/> the function is
/// a front for a SageMaker GPU endpoint instead: it forwards each request (signed, within a time budget) and may invoke
/// exactly that endpoint.
/// </summary>
public sealed class ContainerInferenceApi : InferenceApiBase
{
    public ContainerInferenceApi(IScope scope, string name, ContainerInferenceApiArgs args, ComponentResourceOptions? options = null)
        : base("ml:ContainerInferenceApi", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var check = new ArgsValidation(Path);
        InferenceApiFront.Validate(check, args, args.Function);
        check.Check(args.Function.Code is null && args.Function.ImageUri is null, "Function.Code", args.Function.Code?.PathFromProgram ?? "an image",
                "unset: the pattern builds the image and sets it")
            .CheckPin(args.Function, args.ModelName, args.ModelVersion)
            .Check(args.ModelSource is null || !RegistryPin.FromRegistry(args.Function), nameof(args.ModelSource), args.ModelSource,
                "unset when Function.ModelBucket pins a registry version: the function then serves that version, not a model baked into the image");
        ImageRepository.Validate(check, args.BuildContext, args.Dockerfile, args.ImagesToKeep, nameof(args.ImagesToKeep), nameof(args.Dockerfile)).ThrowIfInvalid();
        if (args.GpuBackend is { } gpu)
        {
            GpuBackendArgs.Validate(check, gpu, args.Function);
            check.Check(args.ModelSource is null, nameof(args.ModelSource), args.ModelSource, "unset with GpuBackend: the endpoint serves the model, the front bundles none")
                .Check(args.Function.ModelBucket is null, "Function.ModelBucket", "a bucket", "unset with GpuBackend: the endpoint serves the model, the front loads none")
                .ThrowIfInvalid();
        }

        var context = DockerBuildContext.Load(args.BuildContext.LocalPath, args.Dockerfile);
        check.Check(args.ModelSource is null || !Directory.Exists(args.BuildContext.LocalPath) || context.FilesUnder(args.ModelSource).Any(),
                nameof(args.ModelSource), args.ModelSource,
                $"a folder of the build context that {context.IgnoreFile ?? ".dockerignore"} lets in (add a line '!{args.ModelSource}/' to it)")
            .ThrowIfInvalid();

        var registry = ImageRepository.Create(this, Build(args), context);
        Key = registry.Key;
        Repository = registry.Repository;
        Image = registry.Image;

        // The image's URI is the digest form (repository@sha256:...), which Lambda requires.
        var deployed = args.Function with { ImageUri = Image.ImageUri, Code = null };
        if (args.GpuBackend is { } backend)
        {
            deployed = deployed with { Environment = new Dictionary<string, Input<string>>(args.Function.Environment.Concat(backend.Environment())) };
        }

        Serve(args, args.Function, deployed);
        GpuBackend = args.GpuBackend;
        if (args.GpuBackend is { } endpoint)
        {
            GpuEndpointGrant = endpoint.GrantInvoke(this, Function);
        }
    }

    /// <summary>The GPU endpoint this API's function fronts; null when the function serves its own model.</summary>
    public GpuBackendArgs? GpuBackend { get; }

    public Aws.Kms.Key Key { get; }

    /// <summary>The front's permission to invoke its GPU endpoint; null without <see cref="ContainerInferenceApiArgs.GpuBackend"/>.</summary>
    public Aws.Iam.RolePolicy? GpuEndpointGrant { get; }

    public Repository Repository { get; }

    public Image Image { get; }

    public Output<string> RepositoryUrl => Repository.RepositoryUrl;

    /// <summary>The tag of the image: see <see cref="ImageRepository.SourceTag"/>.</summary>
    public static string SourceTag(ContainerInferenceApiArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var build = Build(args);
        return ImageRepository.SourceTag(DockerBuildContext.Load(args.BuildContext.LocalPath, args.Dockerfile), build.BuildArguments, build.Platform);
    }

    private static ImageBuild Build(ContainerInferenceApiArgs args) => new()
    {
        BuildContext = args.BuildContext,
        Dockerfile = args.Dockerfile,
        Platform = args.Function.Architecture == LambdaArchitecture.Arm64 ? "linux/arm64" : "linux/amd64",
        BuildArguments = args.ModelSource is { } model
            ? new Dictionary<string, string> { ["MODEL_SOURCE"] = model, ["MODEL_NAME"] = args.ModelName }
            : new Dictionary<string, string>(),
        ImagesToKeep = args.ImagesToKeep,
        ForceDelete = args.ForceDelete,
    };
}
