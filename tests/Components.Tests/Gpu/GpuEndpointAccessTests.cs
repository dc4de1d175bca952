using Infra.Aws.Iam;
using Infra.Components;
using Infra.Core;
using Infra.Testing;
using Infra.Testing.Access;

namespace Components.Tests.Gpu;

/// <summary>
/// The endpoint's execution role and a grantee's invoke grant, decided by the IAM simulator (the testing kit's
/// <c>Access()</c>) on the synthesized policies together with the buckets', keys' and topics' own policies.
/// </summary>
public sealed class GpuEndpointAccessTests
{
    private const string OtherRepository = "arn:aws:ecr:us-east-1:123456789012:repository/other-models";
    private const string ModelKey = "models/resnet18/1.0.0/model.tar.gz";

    private static ProgramAccess RealTime()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        var endpoint = new GpuInferenceEndpoint(stack, "gpu", GpuInferenceEndpointTests.Args() with
        {
            ModelData = new EndpointModelData { Bucket = models, Key = ModelKey },
            DataCapture = new EndpointDataCaptureArgs(),
        });
        var front = new Role(stack, "front", new RoleArgs { AssumeRolePolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""" });
        endpoint.GrantInvoke(new RoleGrantee(front));
        return StackTemplate.FromStack(stack).Access();
    }

    private static ProgramAccess Asynchronous()
    {
        var stack = new Stack("proj", "dev");
        new GpuInferenceEndpoint(stack, "gpu", GpuInferenceEndpointTests.Args() with { MinInstances = 0, Asynchronous = new AsyncInferenceArgs(), InstanceType = "ml.p3.2xlarge" });
        return StackTemplate.FromStack(stack).Access();
    }

    [Fact]
    public void The_execution_role_pulls_from_its_repository_only()
    {
        var role = RealTime().Role("gpu-role");

        role.Can("ecr:BatchGetImage").On(GpuInferenceEndpointTests.Repository);
        role.Can("ecr:GetDownloadUrlForLayer").On(GpuInferenceEndpointTests.Repository);
        role.Cannot("ecr:BatchGetImage").On(OtherRepository);
        role.Cannot("ecr:PutImage").On(GpuInferenceEndpointTests.Repository);
    }

    [Fact]
    public void The_execution_role_reads_exactly_its_model_archive_and_writes_captures_under_their_prefix()
    {
        var role = RealTime().Role("gpu-role");

        role.Can("s3:GetObject").On("models-bucket", ModelKey);
        role.Can("kms:Decrypt").On("models-key");
        role.Cannot("s3:GetObject").On("models-bucket", "models/resnet18/2.0.0/model.tar.gz");
        role.Cannot("s3:PutObject").On("models-bucket", ModelKey);
        role.Can("s3:PutObject").On("gpu-captures-bucket", "data-capture/proj-dev-gpu/AllTraffic/2026/12/08/03/capture.jsonl");
        role.Can("kms:GenerateDataKey").On("gpu-captures-key");
        role.Cannot("s3:PutObject").On("gpu-captures-bucket", "elsewhere/capture.jsonl");
        role.Cannot("s3:GetObject").On("gpu-captures-bucket", "data-capture/proj-dev-gpu/AllTraffic/2026/12/08/03/capture.jsonl");
        // ml.g6 has no KMS-encrypted volume, so the role has no use of the component's key either.
        role.Cannot("kms:Decrypt").On("gpu-key");
    }

    [Fact]
    public void The_execution_role_writes_only_its_endpoints_log_group()
    {
        var role = RealTime().Role("gpu-role");

        role.Can("logs:PutLogEvents").On("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/proj-dev-gpu:log-stream:AllTraffic/i-0abc");
        role.Cannot("logs:PutLogEvents").On("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/other:log-stream:AllTraffic/i-0abc");
    }

    [Fact]
    public void A_grantee_invokes_this_endpoint_only()
    {
        var access = RealTime();
        var front = access.Role("front");

        front.Can("sagemaker:InvokeEndpoint").On("gpu-endpoint");
        front.Cannot("sagemaker:InvokeEndpoint").On("arn:aws:sagemaker:us-east-1:123456789012:endpoint/other");
        front.Cannot("sagemaker:InvokeEndpointAsync").On("gpu-endpoint");
        front.Cannot("sagemaker:UpdateEndpoint").On("gpu-endpoint");
        access.Role("gpu-role").Cannot("sagemaker:InvokeEndpoint").On("gpu-endpoint");
    }

    [Fact]
    public void The_asynchronous_role_reads_inputs_writes_results_and_failures_and_notifies_its_topics()
    {
        var role = Asynchronous().Role("gpu-role");

        role.Can("s3:GetObject").On("gpu-async-bucket", "async/input/request-1.json");
        role.Can("s3:PutObject").On("gpu-async-bucket", "async/output/request-1.out");
        role.Can("s3:PutObject").On("gpu-async-bucket", "async/failures/request-1-error.out");
        role.Can("kms:GenerateDataKey").On("gpu-async-key");
        role.Cannot("s3:PutObject").On("gpu-async-bucket", "async/input/request-1.json");
        role.Cannot("s3:GetObject").On("gpu-async-bucket", "async/output/request-1.out");
        role.Cannot("s3:DeleteObject").On("gpu-async-bucket", "async/input/request-1.json");
        role.Can("sns:Publish").On("gpu-success-topic");
        role.Can("sns:Publish").On("gpu-error-topic");
        role.Cannot("sns:Publish").On("arn:aws:sns:us-east-1:123456789012:other-topic");
        role.Can("kms:GenerateDataKey").On("gpu-key");
        // ml.p3 has no instance storage: its EBS volume is encrypted with the key, through a grant for AWS resources only.
        role.Can("kms:CreateGrant").When("kms:GrantIsForAWSResource", "true").On("gpu-key");
        role.Cannot("kms:CreateGrant").When("kms:GrantIsForAWSResource", "false").On("gpu-key");
    }
}
