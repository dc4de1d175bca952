using Infra.Aws;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.Lambda;
using Infra.Core;

namespace Infra.Components;

public sealed record InferenceFunctionArgs
{
    /// <summary>The published function folder, as Pulumi sees it from the program folder.</summary>
    public required string CodePath { get; init; }

    /// <summary><c>dotnet10</c> (framework-dependent) or <c>provided.al2023</c> (Native AOT <c>bootstrap</c>).</summary>
    public string Runtime { get; init; } = "dotnet10";

    /// <summary>The executable assembly's name on <c>dotnet10</c>; ignored on <c>provided.al2023</c>.</summary>
    public string Handler { get; init; } = "InferenceFunction";

    public int MemoryMb { get; init; } = 2048;

    public int TimeoutSeconds { get; init; } = 30;

    public string Architecture { get; init; } = "x86_64";

    /// <summary>CloudWatch Logs retention; only the values CloudWatch accepts.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>Where the model lives; the role may read only <see cref="ModelPrefix"/> of this bucket.</summary>
    public EncryptedBucket? ModelBucket { get; init; }

    public string ModelPrefix { get; init; } = "models/";

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The bundled ONNX inference function with a least-privilege role, its own KMS key for logs
/// and environment variables, and a log group with retention.
/// </summary>
public sealed class InferenceFunction : ComponentResource
{
    public static readonly IReadOnlyList<int> AllowedRetentionDays =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public InferenceFunction(IScope scope, string name, InferenceFunctionArgs args, ComponentResourceOptions? options = null)
        : base("ml:InferenceFunction", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        new ArgsValidation(Path)
            .OneOf(nameof(args.Runtime), args.Runtime, ["dotnet10", "provided.al2023"])
            .Range(nameof(args.MemoryMb), args.MemoryMb, 128, 10240)
            .Range(nameof(args.TimeoutSeconds), args.TimeoutSeconds, 1, 900)
            .OneOf(nameof(args.Architecture), args.Architecture, ["x86_64", "arm64"])
            .OneOf(nameof(args.LogRetentionDays), args.LogRetentionDays, AllowedRetentionDays)
            .Check(args.ModelPrefix.Length > 0 && !args.ModelPrefix.StartsWith('/'), nameof(args.ModelPrefix), args.ModelPrefix, "a non-empty key prefix without a leading '/'")
            .ThrowIfInvalid();

        var account = AwsContext.AccountId(Stack);
        var partition = AwsContext.Partition(Stack);
        var region = AwsContext.Region(Stack);

        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the logs and environment of function {Path}",
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(
                new Dictionary<string, object>
                {
                    ["Sid"] = "AccountAdministersKey",
                    ["Effect"] = "Allow",
                    ["Principal"] = new Dictionary<string, object> { ["AWS"] = Output.Format($"arn:{partition}:iam::{account}:root") },
                    ["Action"] = "kms:*",
                    ["Resource"] = "*",
                },
                // CloudWatch Logs encrypts with the key as a service, limited to this account's log groups.
                new Dictionary<string, object>
                {
                    ["Sid"] = "CloudWatchLogsUseKey",
                    ["Effect"] = "Allow",
                    ["Principal"] = new Dictionary<string, object> { ["Service"] = Output.Format($"logs.{region}.amazonaws.com") },
                    ["Action"] = new[] { "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*" },
                    ["Resource"] = "*",
                    ["Condition"] = new Dictionary<string, object>
                    {
                        ["ArnLike"] = new Dictionary<string, object>
                        {
                            ["kms:EncryptionContext:aws:logs:arn"] = Output.Format($"arn:{partition}:logs:{region}:{account}:log-group:*"),
                        },
                    },
                }),
        });

        LogGroup = new LogGroup(this, "logs", new LogGroupArgs { RetentionInDays = args.LogRetentionDays, KmsKeyId = Key.Arn });

        Role = new Role(this, "role", new RoleArgs
        {
            Description = $"Execution role of inference function {Path}",
            AssumeRolePolicy = PolicyDocuments.AssumedBy("lambda.amazonaws.com"),
        });

        var statements = new List<object>
        {
            PolicyDocuments.Allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], Output.Format($"{LogGroup.Arn}:*")),
            PolicyDocuments.Allow("DecryptOwnEnvironment", ["kms:Decrypt"], Key.Arn),
        };
        if (args.ModelBucket is { } bucket)
        {
            statements.Add(PolicyDocuments.Allow("ReadModel", ["s3:GetObject", "s3:GetObjectVersion"], Output.Format($"{bucket.BucketArn}/{args.ModelPrefix}*")));
            statements.Add(PolicyDocuments.Allow("DecryptModel", ["kms:Decrypt"], bucket.KeyArn));
        }

        new RolePolicy(this, "role-policy", new RolePolicyArgs { Role = Role.RoleName, Policy = PolicyDocuments.Of([.. statements]) });

        var environment = new InputMap<string>();
        foreach (var (key, value) in args.Environment)
        {
            environment.Add(key, value);
        }

        if (args.ModelBucket is { } modelBucket)
        {
            environment["MODEL_S3_BUCKET"] = modelBucket.BucketName;
            environment["MODEL_S3_PREFIX"] = args.ModelPrefix;
        }

        Function = new Function(this, "function", new FunctionArgs
        {
            Role = Role.Arn,
            PackageType = "Zip",
            Runtime = args.Runtime,
            Handler = args.Runtime == "dotnet10" ? args.Handler : "bootstrap",
            Code = new FileArchive(args.CodePath),
            Architectures = new[] { args.Architecture },
            MemorySize = args.MemoryMb,
            Timeout = args.TimeoutSeconds,
            Publish = true,
            KmsKeyArn = Key.Arn,
            Environment = environment.Count > 0 ? new FunctionEnvironmentArgs { Variables = environment } : null,
            TracingConfig = new FunctionTracingConfigArgs { Mode = "Active" },
            LoggingConfig = new FunctionLoggingConfigArgs { LogFormat = "JSON", LogGroup = LogGroup.LogGroupName },
        });
    }

    public Key Key { get; }

    public LogGroup LogGroup { get; }

    public Role Role { get; }

    public Function Function { get; }

    public Output<string> FunctionName => Function.FunctionName;

    public Output<string> FunctionArn => Function.Arn;
}
