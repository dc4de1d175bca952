using System.Text.RegularExpressions;
using Inference.Contracts;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Aws.Sqs;
using Infra.Core;

namespace Infra.Components;

public sealed record InferenceFunctionArgs
{
    /// <summary>The published function folder, for a zip package. Set this or <see cref="ImageUri"/>.</summary>
    public CodeDirectory? Code { get; init; }

    /// <summary>A container image by digest (<c>repo@sha256:...</c>), for an image package.</summary>
    public Input<string>? ImageUri { get; init; }

    /// <summary><c>dotnet10</c> (framework-dependent) or <c>provided.al2023</c> (Native AOT <c>bootstrap</c>); zip only.</summary>
    public LambdaRuntime Runtime { get; init; } = LambdaRuntime.Dotnet10;

    /// <summary>The executable assembly's name on <c>dotnet10</c>.</summary>
    public string Handler { get; init; } = "InferenceFunction";

    /// <summary>One full vCPU by default (Lambda gives one per 1,769 MB): below it a compute-bound model slows as fast as the price falls.</summary>
    public DataSize Memory { get; init; } = DataSize.FromMebibytes(1769);

    /// <summary>29 s by default: API Gateway ends a REST integration then, so longer only matters for batch. Whole seconds, 1 s to 15 min.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(29);

    /// <summary>Size of <c>/tmp</c>, where models from S3 are cached: whole MiB, 512 to 10,240.</summary>
    public DataSize EphemeralStorage { get; init; } = DataSize.FromMebibytes(512);

    public LambdaArchitecture Architecture { get; init; } = LambdaArchitecture.X86_64;

    /// <summary>Concurrency reserved for this function; null shares the account's pool.</summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>CloudWatch Logs retention: whole days, only the counts CloudWatch accepts (<see cref="InferenceFunction.AllowedRetentionDays"/>).</summary>
    public TimeSpan LogRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Bundled model to serve (MODEL_NAME); null serves every bundled model.</summary>
    public string? ModelName { get; init; }

    /// <summary>
    /// Bucket holding the model: the model registry when <see cref="ModelVersion"/> is set, else the bucket of
    /// <see cref="ModelKey"/>. The role may read only the version's (or the key's) folder.
    /// </summary>
    public EncryptedBucket? ModelBucket { get; init; }

    /// <summary>
    /// The registry version to serve (semantic versioning): the function loads <c>models/{ModelName}/{ModelVersion}/</c>
    /// from <see cref="ModelBucket"/> and checks the ONNX file's sha256 against that folder's model.json. Changing it
    /// changes the function's configuration, so <c>pulumi up</c> publishes a new version and moves the <c>live</c> alias.
    /// </summary>
    public string? ModelVersion { get; init; }

    /// <summary>Key of an ONNX file in <see cref="ModelBucket"/> whose model.json is bundled with the code (instead of <see cref="ModelVersion"/>).</summary>
    public string? ModelKey { get; init; }

    /// <summary>S3 version id of the ONNX file: pins the exact bytes, and a change publishes a new function version.</summary>
    public Input<string>? ModelVersionId { get; init; }

    public IReadOnlyDictionary<string, Input<string>> Environment { get; init; } = new Dictionary<string, Input<string>>();

    /// <summary>SnapStart on published versions (dotnet10 zip packages only).</summary>
    public bool SnapStart { get; init; }

    /// <summary>Provisioned concurrency on the <c>live</c> alias, on a schedule.</summary>
    public ProvisionedConcurrencyScheduleArgs? ProvisionedConcurrency { get; init; }

    /// <summary>Retries of a failed asynchronous invocation before it goes to the dead-letter queue, 0 to 2.</summary>
    public int AsyncRetryAttempts { get; init; } = 2;

    /// <summary>Bucket for code over Lambda's 50 MB direct-upload limit; one is created when needed and absent.</summary>
    public EncryptedBucket? ArtifactsBucket { get; init; }

    /// <summary>Run inside a VPC (to reach private endpoints such as an ElastiCache cache); null runs outside.</summary>
    public FunctionNetworkArgs? Network { get; init; }
}

/// <summary>The private subnets and security groups of a function in a VPC.</summary>
public sealed record FunctionNetworkArgs
{
    public required IReadOnlyList<Input<string>> SubnetIds { get; init; }

    public required IReadOnlyList<Input<string>> SecurityGroupIds { get; init; }

    /// <summary>The VPC of the subnets; needed by resources placed beside the function, such as an ElastiCache shared cache's security group.</summary>
    public Input<string>? VpcId { get; init; }
}

/// <summary>
/// The bundled ONNX inference function: a least-privilege role, its own KMS key for logs,
/// environment and dead letters, a log group with retention, a version per change behind a
/// <c>live</c> alias, a dead-letter queue for asynchronous invocations, and optionally a
/// provisioned-concurrency schedule.
/// </summary>
public sealed partial class InferenceFunction : ComponentResource, IGrantable
{
    public const string LiveAlias = "live";

    public static readonly IReadOnlyList<int> AllowedRetentionDays =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    private readonly GrantsByName<RolePolicy> _invokeGrants;

    public InferenceFunction(IScope scope, string name, InferenceFunctionArgs args, ComponentResourceOptions? options = null)
        : this(scope, name, FunctionPlan.Of(args), options)
    {
    }

    /// <summary>A pattern's function: the user's Args plus what the pattern decided (<see cref="FunctionPlan"/>).</summary>
    internal InferenceFunction(IScope scope, string name, FunctionPlan plan, ComponentResourceOptions? options = null)
        : base("ml:InferenceFunction", scope, name, options)
    {
        _invokeGrants = new GrantsByName<RolePolicy>(this);
        var args = plan.Args with { Environment = plan.Environment() };
        var codeBytes = args.Code?.UnzippedBytes();
        Validate(args, plan.VariantModelVersions, codeBytes);
        Settings = args;

        Key = LogEncryptionKey.Create(this, "key", $"Encrypts the logs, environment and dead letters of function {Path}");
        LogGroup = new LogGroup(this, "logs", new LogGroupArgs { RetentionInDays = (int)args.LogRetention.TotalDays, KmsKeyId = Key.Arn });
        DeadLetterQueue = new Queue(this, "dead-letters", new QueueArgs
        {
            KmsMasterKeyId = Key.Arn,
            MessageRetentionSeconds = 14 * 24 * 3600,
        });
        Role = new Role(this, "role", new RoleArgs
        {
            Description = $"Execution role of inference function {Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("lambda.amazonaws.com"),
        });
        var rolePolicy = new RolePolicy(this, "role-policy", new RolePolicyArgs { Role = Role.RoleName, Policy = RolePolicyDocument(args, plan.VariantModelVersions) });

        var environment = new InputMap<string>();
        foreach (var (key, value) in args.Environment)
        {
            environment.Add(key, value);
        }

        if (args.ModelName is { } modelName)
        {
            environment[FunctionEnvironment.ModelName] = modelName;
        }

        if (args.ModelBucket is { } registry && args.ModelVersion is { } pinned)
        {
            environment[FunctionEnvironment.ModelRegistryBucket] = registry.BucketName;
            environment[FunctionEnvironment.ModelVersion] = pinned;
        }
        else if (args.ModelBucket is { } bucket)
        {
            environment[FunctionEnvironment.ModelS3Bucket] = bucket.BucketName;
            environment[FunctionEnvironment.ModelS3Key] = args.ModelKey!;
            if (args.ModelVersionId is { } version)
            {
                environment[FunctionEnvironment.ModelS3Version] = version;
            }
        }

        var functionArgs = new FunctionArgs
        {
            Role = Role.Arn,
            MemorySize = (int)args.Memory.Mebibytes,
            Timeout = (int)args.Timeout.TotalSeconds,
            Architectures = new[] { args.Architecture.Value },
            ReservedConcurrentExecutions = args.ReservedConcurrency,
            Publish = true,
            KmsKeyArn = Key.Arn,
            EphemeralStorage = new FunctionEphemeralStorageArgs { Size = (int)args.EphemeralStorage.Mebibytes },
            Environment = environment.Count > 0 ? new FunctionEnvironmentArgs { Variables = environment } : null,
            TracingConfig = new FunctionTracingConfigArgs { Mode = "Active" },
            LoggingConfig = new FunctionLoggingConfigArgs { LogFormat = "JSON", LogGroup = LogGroup.LogGroupName },
            SnapStart = args.SnapStart ? new FunctionSnapStartArgs { ApplyOn = "PublishedVersions" } : null,
            VpcConfig = args.Network is { } network
                ? new FunctionVpcConfigArgs { SubnetIds = InputList<string>.From(network.SubnetIds), SecurityGroupIds = InputList<string>.From(network.SecurityGroupIds) }
                : null,
        };
        SetPackage(functionArgs, args, codeBytes);

        // The role's policy must exist before the first invocation can log or read the model.
        Function = new Function(this, "function", functionArgs, new CustomResourceOptions { DependsOn = [rolePolicy] });
        Alias = new Aws.Lambda.Alias(this, "alias", new Aws.Lambda.AliasArgs
        {
            Name = LiveAlias,
            FunctionName = Function.FunctionName,
            FunctionVersion = Function.Version,
        }, plan.AliasShiftedByRollout ? new CustomResourceOptions { IgnoreChanges = ["functionVersion", "routingConfig"] } : null);
        new FunctionEventInvokeConfig(this, "async-config", new FunctionEventInvokeConfigArgs
        {
            FunctionName = Function.FunctionName,
            Qualifier = Alias.AliasName,
            MaximumRetryAttempts = args.AsyncRetryAttempts,
            DestinationConfig = new FunctionEventInvokeConfigDestinationConfigArgs
            {
                OnFailure = new FunctionEventInvokeConfigDestinationConfigOnFailureArgs { Destination = DeadLetterQueue.Arn },
            },
        });

        if (args.ProvisionedConcurrency is { } schedule)
        {
            Concurrency = new ProvisionedConcurrencySchedule(this, "concurrency", new ProvisionedConcurrencyTargetArgs
            {
                FunctionName = Function.FunctionName,
                AliasName = Alias.AliasName,
                Schedule = schedule,
            });
        }
    }

    /// <summary>The validated arguments (memory and architecture drive the dashboard's cost math).</summary>
    public InferenceFunctionArgs Settings { get; }

    public Key Key { get; }

    public LogGroup LogGroup { get; }

    public Role Role { get; }

    public Function Function { get; }

    /// <summary>The <c>live</c> alias: what APIs, queues and schedules invoke; never <c>$LATEST</c>.</summary>
    public Aws.Lambda.Alias Alias { get; }

    /// <summary>Where failed asynchronous invocations end up.</summary>
    public Queue DeadLetterQueue { get; }

    public ProvisionedConcurrencySchedule? Concurrency { get; }

    public Output<string> FunctionName => Function.FunctionName;

    public Output<string> FunctionArn => Function.Arn;

    public Output<string> AliasArn => Alias.Arn;

    /// <summary>The alias's invoke ARN, for API Gateway integrations.</summary>
    public Output<string> AliasInvokeArn => Alias.InvokeArn;

    Role IGrantable.GrantRole => Role;

    string IGrantable.GrantPath => Path;

    /// <summary>
    /// Lets the grantee invoke the <c>live</c> alias (never <c>$LATEST</c> or a bare version), as <c>grant-invoke-{grantee}</c>;
    /// asking again for the same grantee returns that policy.
    /// </summary>
    public RolePolicy GrantInvoke(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var name = GrantNames.Of(this, "grant-invoke", grantee.GrantPath);
        return _invokeGrants.GetOrCreate(name, $"grantee '{grantee.GrantPath}'", formerLocalName: null, options => new RolePolicy(this, name, new RolePolicyArgs
        {
            Role = grantee.GrantRole.RoleName,
            Policy = PolicyDocuments.Of(PolicyDocuments.Allow("InvokeLiveAlias", ["lambda:InvokeFunction"], AliasArn)),
        }, options));
    }

    private void SetPackage(FunctionArgs function, InferenceFunctionArgs args, long? codeBytes)
    {
        if (args.ImageUri is { } image)
        {
            function.PackageType = "Image";
            function.ImageUri = image;
            return;
        }

        function.PackageType = "Zip";
        function.Runtime = args.Runtime.Value;
        function.Handler = args.Runtime == LambdaRuntime.Dotnet10 ? args.Handler : "bootstrap";
        var archive = new FileArchive(args.Code!.PathFromProgram);

        // Zipped size is unknown until the engine zips, so the unzipped size decides: above the
        // direct-upload limit the package goes through S3, which also versions every upload.
        if (codeBytes > CodeDirectory.DirectUploadLimitBytes)
        {
            var artifacts = args.ArtifactsBucket ?? new EncryptedBucket(this, "artifacts", new EncryptedBucketArgs { NoncurrentVersionExpiration = TimeSpan.FromDays(30) });
            var upload = new BucketObject(this, "code", new BucketObjectArgs { Bucket = artifacts.BucketName, Key = $"{Path}/code.zip", Source = archive });
            function.S3Bucket = artifacts.BucketName;
            function.S3Key = upload.Key;
            function.S3ObjectVersion = upload.VersionId;
        }
        else
        {
            function.Code = archive;
        }
    }

    private Output<string> RolePolicyDocument(InferenceFunctionArgs args, IReadOnlyList<string> variantModelVersions)
    {
        var statements = new List<PolicyStatement>
        {
            PolicyDocuments.Allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], Output.Format($"{LogGroup.Arn}:*")),
            PolicyDocuments.Allow("UseOwnKey", ["kms:Decrypt", "kms:GenerateDataKey"], Key.Arn),
            PolicyDocuments.Allow("SendDeadLetters", ["sqs:SendMessage"], DeadLetterQueue.Arn),
            // X-Ray trace segments have no resource-level permissions: "*" is the only resource AWS accepts.
            PolicyDocuments.Allow("WriteTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
        };
        if (args.Network is not null)
        {
            // Lambda manages the function's network interfaces with the role's rights; EC2 offers no narrower resource.
            statements.Add(PolicyDocuments.Allow("ManageNetworkInterfaces",
                ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], "*"));
        }

        if (args.ModelBucket is { } bucket)
        {
            var folders = args.ModelVersion is { } pinned
                ? [ModelRegistryLayout.Folder(args.ModelName!, pinned), .. variantModelVersions.Select(v => ModelRegistryLayout.Folder(args.ModelName!, v))]
                : new[] { args.ModelKey![..(args.ModelKey!.LastIndexOf('/') + 1)] };
            string[] readModel = ["s3:GetObject", "s3:GetObjectVersion"];
            statements.Add(folders.Length == 1
                ? PolicyDocuments.Allow("ReadModel", readModel, Output.Format($"{bucket.BucketArn}/{folders[0]}*"))
                : PolicyDocuments.Allow("ReadModel", readModel, [.. folders.Select(folder => Output.Format($"{bucket.BucketArn}/{folder}*"))]));
            statements.Add(PolicyDocuments.Allow("DecryptModel", ["kms:Decrypt"], bucket.KeyArn));
        }

        return PolicyDocuments.Of([.. statements]);
    }

    private void Validate(InferenceFunctionArgs args, IReadOnlyList<string> variantModelVersions, long? codeBytes)
    {
        var literalImage = args.ImageUri is { } image && ((IProgramValueSource)image).ToProgramValue() is LiteralValue { Value: string uri } ? uri : null;
        new ArgsValidation(Path)
            .Check((args.Code is null) != (args.ImageUri is null), nameof(args.Code), args.Code?.PathFromProgram, "exactly one of Code (zip) and ImageUri (container image)")
            .Check(literalImage is null || ImageByDigest().IsMatch(literalImage), nameof(args.ImageUri), literalImage,
                "an image by digest, 'repository@sha256:<64 hex digits>', without a tag: Lambda rejects a URI with both")
            .OneOf(nameof(args.Runtime), args.Runtime, LambdaRuntime.All)
            .Mebibytes(nameof(args.Memory), args.Memory, 128, 10240)
            .Duration(nameof(args.Timeout), args.Timeout, TimeUnit.Seconds, 1, 900)
            .Mebibytes(nameof(args.EphemeralStorage), args.EphemeralStorage, 512, 10240)
            .OneOf(nameof(args.Architecture), args.Architecture, LambdaArchitecture.All)
            .Check(args.ReservedConcurrency is null or >= 0, nameof(args.ReservedConcurrency), args.ReservedConcurrency, "null or a non-negative number")
            .DurationOneOf(nameof(args.LogRetention), args.LogRetention, TimeUnit.Days, AllowedRetentionDays)
            .Range(nameof(args.AsyncRetryAttempts), args.AsyncRetryAttempts, 0, 2)
            .Check(args.ModelBucket is null || ((args.ModelKey is null) != (args.ModelVersion is null)), nameof(args.ModelKey), args.ModelKey,
                "exactly one of ModelKey and ModelVersion (a registry version) when ModelBucket is set")
            .Check(args.ModelBucket is not null || (args.ModelKey is null && args.ModelVersion is null), nameof(args.ModelBucket), null,
                "set when ModelKey or ModelVersion is (the bucket they are in)")
            .Check(args.ModelVersion is null || SemanticVersion.IsValid(args.ModelVersion), nameof(args.ModelVersion), args.ModelVersion, SemanticVersion.Rules)
            .Check(variantModelVersions.Count == 0 || args.ModelVersion is not null, "VariantModelVersions", string.Join(", ", variantModelVersions),
                "empty unless ModelVersion is set: variant versions come from the same registry")
            .Check(variantModelVersions.All(SemanticVersion.IsValid), "VariantModelVersions", string.Join(", ", variantModelVersions), SemanticVersion.Rules)
            .Check(args.ModelVersion is null || ModelConfigLoader.IsValidName(args.ModelName), nameof(args.ModelName), args.ModelName,
                $"the registry model's name when ModelVersion is set: {ModelConfigLoader.NameRules}")
            .Check(args.ModelKey is null || (!args.ModelKey.StartsWith('/') && args.ModelKey.EndsWith(".onnx", StringComparison.Ordinal)), nameof(args.ModelKey), args.ModelKey, "an object key of an .onnx file without a leading '/'")
            .Check(!(args.SnapStart && args.ProvisionedConcurrency is not null), nameof(args.SnapStart), args.SnapStart,
                "false when ProvisionedConcurrency is set: Lambda does not combine SnapStart with provisioned concurrency (pick one way to avoid cold starts)")
            .Check(!(args.SnapStart && args.EphemeralStorage > DataSize.FromMebibytes(512)), nameof(args.SnapStart), args.SnapStart,
                $"false when EphemeralStorage is above 512 MiB ({args.EphemeralStorage}): SnapStart supports only the default /tmp size")
            .Check(!(args.SnapStart && (args.ImageUri is not null || args.Runtime != LambdaRuntime.Dotnet10)), nameof(args.SnapStart), args.SnapStart,
                "false for container images and provided.al2023: SnapStart applies to managed runtimes (dotnet10) only")
            .Check(args.Network is null || (args.Network.SubnetIds.Count is > 0 and <= 16 && args.Network.SecurityGroupIds.Count is > 0 and <= 5), nameof(args.Network),
                args.Network is null ? null : $"{args.Network.SubnetIds.Count} subnet(s), {args.Network.SecurityGroupIds.Count} security group(s)", "1 to 16 subnets and 1 to 5 security groups")
            .Check(codeBytes is null or <= CodeDirectory.UnzippedLimitBytes, nameof(args.Code), $"{args.Code?.PathFromProgram} ({codeBytes / (1024 * 1024)} MB unzipped)",
                "at most 250 MB unzipped, Lambda's limit for a zip package: use a container image (ContainerInferenceApi) for larger models")
            .ThrowIfInvalid();
    }

    [GeneratedRegex("^[^@:]+(:[0-9]+)?/[^@:]+@sha256:[0-9a-f]{64}$")]
    private static partial Regex ImageByDigest();
}
