using Infra.Core;

namespace Infra.Aws.Kms;

/// <summary><c>aws:kms/key:Key</c>, a customer-managed KMS key.</summary>
public sealed class Key(IScope scope, string name, KeyArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:kms/key:Key", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");

    public Output<string> KeyId => GetOutput<string>("keyId");
}

public sealed class KeyArgs : ResourceArgs, ITaggableArgs
{
    [Input("description")] public Input<string>? Description { get; set; }

    [Input("enableKeyRotation")] public Input<bool>? EnableKeyRotation { get; set; }

    [Input("rotationPeriodInDays")] public Input<int>? RotationPeriodInDays { get; set; }

    [Input("deletionWindowInDays")] public Input<int>? DeletionWindowInDays { get; set; }

    [Input("keyUsage")] public Input<string>? KeyUsage { get; set; }

    [Input("policy")] public Input<string>? Policy { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }
}

/// <summary><c>aws:kms/alias:Alias</c>, a friendly name (<c>alias/...</c>) for a key.</summary>
public sealed class Alias(IScope scope, string name, AliasArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:kms/alias:Alias", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");
}

public sealed class AliasArgs : ResourceArgs
{
    [Input("name")] public Input<string>? Name { get; set; }

    [Input("namePrefix")] public Input<string>? NamePrefix { get; set; }

    [Input("targetKeyId")] public required Input<string> TargetKeyId { get; set; }
}
