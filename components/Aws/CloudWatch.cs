using Infra.Core;

namespace Infra.Aws.CloudWatch;

/// <summary><c>aws:cloudwatch/logGroup:LogGroup</c>.</summary>
public sealed class LogGroup(IScope scope, string name, LogGroupArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:cloudwatch/logGroup:LogGroup", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");

    public Output<string> LogGroupName => GetOutput<string>("name");
}

public sealed class LogGroupArgs : ResourceArgs, ITaggableArgs
{
    [Input("name")] public Input<string>? Name { get; set; }

    [Input("retentionInDays")] public Input<int>? RetentionInDays { get; set; }

    [Input("kmsKeyId")] public Input<string>? KmsKeyId { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }
}
