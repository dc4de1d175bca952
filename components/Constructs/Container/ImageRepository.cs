using Infra.Aws.Ecr;
using Infra.Awsx.Ecr;
using Infra.Core;

namespace Infra.Components;

/// <summary>What <see cref="ImageRepository"/> builds and keeps: one Dockerfile of a build context, for one platform.</summary>
internal sealed record ImageBuild
{
    public required CodeDirectory BuildContext { get; init; }

    /// <summary>The Dockerfile, relative to the build context.</summary>
    public required string Dockerfile { get; init; }

    /// <summary>A Docker platform, e.g. <c>linux/amd64</c>.</summary>
    public required string Platform { get; init; }

    public IReadOnlyDictionary<string, string> BuildArguments { get; init; } = new Dictionary<string, string>();

    public required int ImagesToKeep { get; init; }

    public bool ForceDelete { get; init; }
}

/// <summary>
/// The registry half of a component that ships its own container image: a KMS key, an ECR repository with immutable
/// tags and scan on push, a lifecycle policy keeping the newest images, and the awsx image built from a Dockerfile of
/// the build context and tagged by its sources. The resources belong to the owning component (named
/// <c>registry-key</c>, <c>repository</c>, <c>lifecycle</c> and <c>image</c> under it), which declares Docker as a
/// prerequisite of the deploying machine.
/// </summary>
internal sealed class ImageRepository
{
    private ImageRepository(Aws.Kms.Key key, Repository repository, Image image)
    {
        Key = key;
        Repository = repository;
        Image = image;
    }

    public Aws.Kms.Key Key { get; }

    public Repository Repository { get; }

    public Image Image { get; }

    /// <summary>Adds the checks every image component makes: how many images to keep, and a Dockerfile inside the build context.</summary>
    public static ArgsValidation Validate(ArgsValidation check, CodeDirectory buildContext, string dockerfile, int imagesToKeep, string imagesToKeepKey, string dockerfileKey) =>
        check.Range(imagesToKeepKey, imagesToKeep, 1, 1000)
            // An absent context is a program synthesized without the sources (schema checks): nothing to look at then.
            .Check(File.Exists(System.IO.Path.Combine(buildContext.LocalPath, dockerfile)) || !Directory.Exists(buildContext.LocalPath),
                dockerfileKey, dockerfile, "a Dockerfile inside the build context");

    /// <summary>
    /// The tag of an image: a hash of exactly what the build reads and what makes awsx (pulumi-docker-build) rebuild,
    /// namely the Dockerfile, the build context after its .dockerignore (paths, modes and contents, model weights
    /// included), the build arguments and the platform. The same inputs give the same tag; any change that rebuilds the
    /// image gives a new one, so an immutable repository never sees a tag pushed twice.
    /// </summary>
    public static string SourceTag(DockerBuildContext context, IReadOnlyDictionary<string, string> buildArguments, string platform)
    {
        ArgumentNullException.ThrowIfNull(context);
        return "src-" + context.ContentHash(buildArguments, platform)[..16];
    }

    public static ImageRepository Create(ComponentResource owner, ImageBuild build, DockerBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(context);

        // ECR encrypts with grants it creates on the key when the repository is made (AWS, Amazon ECR "Encryption at
        // rest"), so the policy names no service: the account administers the key, and its IAM policies grant use.
        var key = new Aws.Kms.Key(owner, "registry-key", new Aws.Kms.KeyArgs
        {
            Description = $"Encrypts the images of {owner.Path}",
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(PolicyDocuments.AccountAdministersKey(owner.Stack)),
        });
        var repository = new Repository(owner, "repository", new RepositoryArgs
        {
            ImageTagMutability = "IMMUTABLE",
            ImageScanningConfiguration = new RepositoryImageScanningConfigurationArgs { ScanOnPush = true },
            EncryptionConfigurations = new[] { new RepositoryEncryptionConfigurationArgs { EncryptionType = "KMS", KmsKey = key.Arn } },
            ForceDelete = build.ForceDelete ? true : null,
        });
        new LifecyclePolicy(owner, "lifecycle", new LifecyclePolicyArgs
        {
            Repository = repository.RepositoryName,
            Policy = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["rules"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["rulePriority"] = 1,
                        ["description"] = $"Keep the newest {build.ImagesToKeep} images",
                        ["selection"] = new Dictionary<string, object> { ["tagStatus"] = "any", ["countType"] = "imageCountMoreThan", ["countNumber"] = build.ImagesToKeep },
                        ["action"] = new Dictionary<string, object> { ["type"] = "expire" },
                    },
                },
            }),
        });

        var buildArgs = new InputMap<string>();
        foreach (var (argument, value) in build.BuildArguments)
        {
            buildArgs[argument] = value;
        }

        var image = new Image(owner, "image", new ImageArgs
        {
            RepositoryUrl = repository.RepositoryUrl,
            // The repository root, because the build restores with global.json and Directory.*.props from there;
            // the Dockerfile's own ignore file (e.g. functions/Dockerfile.dockerignore) narrows it to what the build reads.
            Context = build.BuildContext.PathFromProgram,
            Dockerfile = $"{build.BuildContext.PathFromProgram}/{build.Dockerfile}",
            Platform = build.Platform,
            // Tags are immutable: the tag changes exactly when awsx would rebuild, or a rebuild would push it twice.
            ImageTag = SourceTag(context, build.BuildArguments, build.Platform),
            Args = buildArgs.Count > 0 ? buildArgs : null,
        });
        owner.Stack.Require(owner, new Prerequisite("docker", "Docker", PrerequisiteOwner.DeployMachine,
            "awsx builds the container image with the local Docker engine during `pulumi up` and pushes it to the repository"));
        return new ImageRepository(key, repository, image);
    }
}
