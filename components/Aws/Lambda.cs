using Infra.Core;

namespace Infra.Aws.Lambda;

/// <summary><c>aws:lambda/function:Function</c>.</summary>
public sealed class Function(IScope scope, string name, FunctionArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:lambda/function:Function", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");

    public Output<string> FunctionName => GetOutput<string>("name");

    public Output<string> InvokeArn => GetOutput<string>("invokeArn");

    /// <summary>The version published by the last update, when <c>publish</c> is set.</summary>
    public Output<string> Version => GetOutput<string>("version");
}

public sealed class FunctionArgs : ResourceArgs, ITaggableArgs
{
    [Input("role")] public required Input<string> Role { get; set; }

    [Input("packageType")] public Input<string>? PackageType { get; set; }

    [Input("runtime")] public Input<string>? Runtime { get; set; }

    [Input("handler")] public Input<string>? Handler { get; set; }

    [Input("code")] public Input<Archive>? Code { get; set; }

    [Input("s3Bucket")] public Input<string>? S3Bucket { get; set; }

    [Input("s3Key")] public Input<string>? S3Key { get; set; }

    [Input("imageUri")] public Input<string>? ImageUri { get; set; }

    [Input("sourceCodeHash")] public Input<string>? SourceCodeHash { get; set; }

    [Input("architectures")] public InputList<string>? Architectures { get; set; }

    [Input("memorySize")] public Input<int>? MemorySize { get; set; }

    [Input("timeout")] public Input<int>? Timeout { get; set; }

    [Input("reservedConcurrentExecutions")] public Input<int>? ReservedConcurrentExecutions { get; set; }

    [Input("publish")] public Input<bool>? Publish { get; set; }

    [Input("description")] public Input<string>? Description { get; set; }

    [Input("kmsKeyArn")] public Input<string>? KmsKeyArn { get; set; }

    [Input("environment")] public FunctionEnvironmentArgs? Environment { get; set; }

    [Input("ephemeralStorage")] public FunctionEphemeralStorageArgs? EphemeralStorage { get; set; }

    [Input("tracingConfig")] public FunctionTracingConfigArgs? TracingConfig { get; set; }

    [Input("loggingConfig")] public FunctionLoggingConfigArgs? LoggingConfig { get; set; }

    [Input("snapStart")] public FunctionSnapStartArgs? SnapStart { get; set; }

    [Input("deadLetterConfig")] public FunctionDeadLetterConfigArgs? DeadLetterConfig { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }
}

public sealed class FunctionEnvironmentArgs : ResourceArgs
{
    [Input("variables")] public InputMap<string>? Variables { get; set; }
}

public sealed class FunctionEphemeralStorageArgs : ResourceArgs
{
    /// <summary>Size of <c>/tmp</c> in MB, 512 to 10,240.</summary>
    [Input("size")] public Input<int>? Size { get; set; }
}

public sealed class FunctionTracingConfigArgs : ResourceArgs
{
    /// <summary><c>Active</c> or <c>PassThrough</c>.</summary>
    [Input("mode")] public required Input<string> Mode { get; set; }
}

public sealed class FunctionLoggingConfigArgs : ResourceArgs
{
    /// <summary><c>JSON</c> or <c>Text</c>.</summary>
    [Input("logFormat")] public required Input<string> LogFormat { get; set; }

    [Input("logGroup")] public Input<string>? LogGroup { get; set; }

    [Input("applicationLogLevel")] public Input<string>? ApplicationLogLevel { get; set; }

    [Input("systemLogLevel")] public Input<string>? SystemLogLevel { get; set; }
}

public sealed class FunctionSnapStartArgs : ResourceArgs
{
    /// <summary><c>PublishedVersions</c> or <c>None</c>.</summary>
    [Input("applyOn")] public required Input<string> ApplyOn { get; set; }
}

public sealed class FunctionDeadLetterConfigArgs : ResourceArgs
{
    [Input("targetArn")] public required Input<string> TargetArn { get; set; }
}
