using Infra.Aws.Ecr;
using Infra.Awsx.Ecr;
using Infra.Core;

namespace Infra.Components;

public sealed record InferenceServerImageArgs
{
    /// <summary>The repository's source folder (Docker build context), as Pulumi sees it from the program folder.</summary>
    public required CodeDirectory BuildContext { get; init; }

    /// <summary>The Dockerfile, relative to the build context: the server mode on ONNX Runtime's CUDA build.</summary>
    public string Dockerfile { get; init; } = "functions/Dockerfile.gpu";

    /// <summary>Images the registry keeps; older ones expire (the deployed one is always among the newest).</summary>
    public int ImagesToKeep { get; init; } = 10;

    /// <summary>Let <c>pulumi destroy</c> delete a repository that still holds images (dev stacks only).</summary>
    public bool ForceDelete { get; init; }
}

/// <summary>
/// The inference function's server mode (functions/InferenceServer) as a container image for a
/// <see cref="GpuInferenceEndpoint"/>: a KMS-encrypted ECR repository with scan on push, immutable tags and a lifecycle
/// policy, and the image built from <c>functions/Dockerfile.gpu</c> for linux/amd64, tagged by its sources. Pass it to
/// the endpoint with <see cref="EndpointImage.From(InferenceServerImage)"/>.
/// </summary>
public sealed class InferenceServerImage : ComponentResource
{
    /// <summary>SageMaker's GPU instance types (ml.g4dn, ml.g5, ml.g6, ml.p3 and later) run x86_64 processors.</summary>
    public const string Platform = "linux/amd64";

    public InferenceServerImage(IScope scope, string name, InferenceServerImageArgs args, ComponentResourceOptions? options = null)
        : base("ml:InferenceServerImage", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        ImageRepository.Validate(new ArgsValidation(Path), args.BuildContext, args.Dockerfile, args.ImagesToKeep, nameof(args.ImagesToKeep), nameof(args.Dockerfile))
            .ThrowIfInvalid();

        var registry = ImageRepository.Create(this, Build(args), DockerBuildContext.Load(args.BuildContext.LocalPath, args.Dockerfile));
        Key = registry.Key;
        Repository = registry.Repository;
        Image = registry.Image;
    }

    public Aws.Kms.Key Key { get; }

    public Repository Repository { get; }

    public Image Image { get; }

    /// <summary>The image by digest (repository@sha256:...), so a new build is a new SageMaker model, never a moved tag.</summary>
    public Output<string> ImageUri => Image.ImageUri;

    /// <summary>The tag of the image: see <see cref="ImageRepository.SourceTag"/>.</summary>
    public static string SourceTag(InferenceServerImageArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return ImageRepository.SourceTag(DockerBuildContext.Load(args.BuildContext.LocalPath, args.Dockerfile), Build(args).BuildArguments, Platform);
    }

    private static ImageBuild Build(InferenceServerImageArgs args) => new()
    {
        BuildContext = args.BuildContext,
        Dockerfile = args.Dockerfile,
        Platform = Platform,
        ImagesToKeep = args.ImagesToKeep,
        ForceDelete = args.ForceDelete,
    };
}
