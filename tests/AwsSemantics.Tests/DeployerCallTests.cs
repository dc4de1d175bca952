using System.Text.Json.Nodes;
using AwsSemantics.Tests.Access;
using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Deployment;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests;

/// <summary>
/// The deployer's uploads (an administrator role: AdministratorAccess; bucket and key policies still apply): the zip
/// functions' code through the artifacts bucket, the container image push, and <c>model push</c> into the registry.
/// </summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class DeployerCallTests(DeployedStacks deployed)
{
    /// <summary>
    /// Pulumi's BucketObject is the Terraform provider's aws_s3_object, which uploads through the Go SDK's upload manager
    /// (5 MiB parts): the code zip goes up as CreateMultipartUpload, UploadPart, CompleteMultipartUpload, with the
    /// encryption headers only when the resource sets <c>serverSideEncryption</c> / <c>kmsKeyId</c> (ours sets neither).
    /// </summary>
    [Fact]
    public void The_code_upload_through_the_artifacts_bucket_is_allowed()
    {
        var requests = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var actions = new RequestActions(access.Region, StackPolicies.Account);
            foreach (var upload in access.Resources("aws:s3/bucketObject:BucketObject"))
            {
                requests.AddRange(ProviderUpload(access, upload).SelectMany(r => new Authorizations(access).For($"{stack}/{upload} (pulumi up)", Caller.Deployer, actions.Map(r))));
            }
        }

        Decisions.AssertAllAllowed(requests);
    }

    /// <summary>The registry's own push code (multipart for the 64 MB ResNet18 graph, SSE-KMS headers with the bucket's key, If-None-Match) is recorded and evaluated.</summary>
    [Fact]
    public async Task Model_push_into_the_registry_bucket_is_allowed()
    {
        var requests = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var captured = (await ModelPush.RunAsync(access, deployed.Root, DeployedStacks.PinnedModelVersion)).Requests;
            Assert.Contains(captured, c => c.HasQuery("partNumber"));
            Assert.Contains(captured, c => c.HasQuery("uploads") && c.Header("x-amz-server-side-encryption-aws-kms-key-id") is not null);
            var actions = new RequestActions(access.Region, StackPolicies.Account);
            requests.AddRange(captured.SelectMany(c => new Authorizations(access).For($"{stack} model push", Caller.Deployer, actions.Map(c))));
        }

        Decisions.AssertAllAllowed(requests);
    }

    /// <summary>
    /// Pushing an image to a KMS-encrypted repository: the ECR layer and image actions on the repository, and the KMS
    /// key ECR encrypts with, used through ECR (which creates a grant for the repository with the caller's rights).
    /// </summary>
    [Fact]
    public void The_image_push_to_each_repository_is_allowed()
    {
        var requests = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var authorizations = new Authorizations(access);
            foreach (var repository in access.Resources("aws:ecr/repository:Repository"))
            {
                var arn = access.Outputs.Output(repository, "arn");
                foreach (var action in new[] { "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage" })
                {
                    requests.AddRange(authorizations.For($"{stack}/{repository} image push", Caller.Deployer, new ServiceCall("push", action, arn, new Dictionary<string, object>())));
                }

                foreach (var encryption in access.Outputs.Inputs(repository)["encryptionConfigurations"] as JsonArray ?? [])
                {
                    if ((string?)encryption!["kmsKey"] is { } key)
                    {
                        foreach (var action in new[] { "kms:CreateGrant", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt" })
                        {
                            requests.Add(authorizations.Kms($"{stack}/{repository} image push", Caller.Deployer, action, access.KeyArn(key), "ecr",
                                new Dictionary<string, object> { ["kms:EncryptionContext:aws:ecr:arn"] = arn }));
                        }
                    }
                }
            }
        }

        Decisions.AssertAllAllowed(requests);
    }

    internal static IEnumerable<CapturedRequest> ProviderUpload(StackPolicies access, string upload)
    {
        var inputs = access.Outputs.Inputs(upload);
        var bucket = (string)inputs["bucket"]!;
        var objectUri = $"https://{bucket}.s3.{access.Region}.amazonaws.com/{(string)inputs["key"]!}";
        var sse = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((string?)inputs["serverSideEncryption"] is { } algorithm)
        {
            sse["x-amz-server-side-encryption"] = algorithm;
        }

        if ((string?)inputs["kmsKeyId"] is { } keyId)
        {
            sse["x-amz-server-side-encryption-aws-kms-key-id"] = keyId;
        }

        yield return new CapturedRequest(HttpMethod.Post, new Uri(objectUri + "?uploads"), sse, null);
        yield return new CapturedRequest(HttpMethod.Put, new Uri(objectUri + "?partNumber=1&uploadId=upload-1"), new Dictionary<string, string>(), null);
        yield return new CapturedRequest(HttpMethod.Post, new Uri(objectUri + "?uploadId=upload-1"), new Dictionary<string, string>(), null);
    }
}
