using AwsSemantics.Tests.Access;
using Infra.Registry;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Capture;

/// <summary>
/// <c>model push</c> of the bundled ResNet18 (the function build's models/resnet18) into a stack's registry bucket,
/// run by the registry's own code against a recording endpoint: its requests, and the objects it leaves there.
/// </summary>
public static class ModelPush
{
    public const string Name = "resnet18";

    public static async Task<CapturingAwsHandler> RunAsync(StackPolicies access, string repositoryRoot, string version)
    {
        var folder = Path.Combine(repositoryRoot, Infra.Local.FunctionBuild.OutputFromRoot, "models", Name);
        var bucket = RegistryBucket(access);
        var handler = new CapturingAwsHandler();
        // GetBucketEncryption answers the bucket's default key as S3 stores it (the configuration's KMSMasterKeyID).
        handler.BucketEncryption[bucket] = "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
            + $"<KMSMasterKeyID>{access.BucketDefaultKey(bucket)}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
        using var s3 = CapturingClients.S3(handler, access.Region);
        await new S3ModelRegistry(s3, bucket).PushAsync(ModelVersionId.Parse(Name, version),
            Path.Combine(folder, "ResNet18.onnx"), Path.Combine(folder, "model.json"), kmsKeyId: null, CancellationToken.None);
        return handler;
    }

    /// <summary>The registry's bucket, as the stack exports it for `model push|list|show|verify`.</summary>
    public static string RegistryBucket(StackPolicies access)
    {
        var output = access.Outputs.Program.Outputs.SingleOrDefault(o => o.Name == "modelBucketName")
            ?? throw new InvalidOperationException($"stack {access.Stack} exports no modelBucketName (the registry's bucket)");
        return (string)access.Outputs.Evaluate(output.Value)!;
    }
}
