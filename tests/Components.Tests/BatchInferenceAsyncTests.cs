using Infra.Components;
using Infra.Core;
using Infra.Testing;
using Infra.Testing.Access;
using Infra.Testing.Access.Simulation;

namespace Components.Tests;

/// <summary>
/// BatchInference on a SageMaker asynchronous endpoint: the function forwards and collects, the endpoint's role reads the
/// inputs, the endpoint's topics deliver to an encrypted queue that admits exactly them, all decided by the IAM simulator.
/// </summary>
public class BatchInferenceAsyncTests
{
    private static (Stack Stack, BatchInference Batch, GpuInferenceEndpoint Endpoint) Build(Func<BatchInferenceArgs, BatchInferenceArgs>? change = null,
        AsyncInferenceArgs? asynchronous = null, bool realTime = false)
    {
        var stack = new Stack("proj", "dev");
        var endpoint = new GpuInferenceEndpoint(stack, "gpu", Gpu.GpuInferenceEndpointTests.Args() with
        {
            MinInstances = realTime ? 1 : 0,
            Asynchronous = realTime ? null : asynchronous ?? new AsyncInferenceArgs(),
        });
        var args = new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(60) },
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = new AlarmNotifications(stack, "alerts"),
            Compute = new SageMakerAsyncCompute { Endpoint = endpoint },
        };
        var batch = new BatchInference(stack, "batch", change is null ? args : change(args));
        return (stack, batch, endpoint);
    }

    [Fact]
    public void The_function_forwards_to_the_endpoint_and_collects_its_notifications_from_a_second_encrypted_queue()
    {
        var (stack, batch, _) = Build();
        var template = StackTemplate.FromStack(stack);
        var variables = template.Property("batch-function-function", "environment", "variables");

        Assert.Equal("${gpu-endpoint.name}", ProgramValues.At(variables, "ASYNC_ENDPOINT_NAME"));
        Assert.Equal("${batch-dead-letters.url}", ProgramValues.At(variables, "BATCH_DEAD_LETTER_QUEUE_URL"));
        Assert.NotNull(batch.Endpoint);
        Assert.Equal("${batch-key.arn}", template.Property("batch-notifications", "kmsMasterKeyId"));
        Assert.Equal(360m, template.Property("batch-notifications", "visibilityTimeoutSeconds"));
        Assert.Equal("${batch-dead-letters.arn}", template.Property("batch-notifications", "redrivePolicy", "fn::toJSON", "deadLetterTargetArn"));
        foreach (var (subscription, topic) in new[] { ("batch-success-subscription", "${gpu-success-topic.arn}"), ("batch-error-subscription", "${gpu-error-topic.arn}") })
        {
            Assert.Equal(topic, template.Property(subscription, "topic"));
            Assert.Equal("sqs", template.Property(subscription, "protocol"));
            Assert.Equal("${batch-notifications.arn}", template.Property(subscription, "endpoint"));
            Assert.Equal(true, template.Property(subscription, "rawMessageDelivery"));
        }

        Assert.Equal("${batch-notifications.arn}", template.Property("batch-collect-trigger", "eventSourceArn"));
        Assert.Equal("${batch-function-alias.arn}", template.Property("batch-collect-trigger", "functionName"));
        Assert.Equal(new List<object?> { "ReportBatchItemFailures" }, template.Property("batch-collect-trigger", "functionResponseTypes"));
        Assert.Equal("${batch-queue.arn}", template.Property("batch-trigger", "eventSourceArn"));
    }

    [Fact]
    public void The_function_may_invoke_this_endpoint_asynchronously_only_read_its_results_and_dead_letter()
    {
        var access = StackTemplate.FromStack(Build().Stack).Access();
        var function = access.Role("batch-function-role");

        function.Can("sagemaker:InvokeEndpointAsync").On("gpu-endpoint");
        function.Cannot("sagemaker:InvokeEndpointAsync").On("arn:aws:sagemaker:us-east-1:123456789012:endpoint/other");
        function.Cannot("sagemaker:InvokeEndpoint").On("gpu-endpoint");
        function.Can("s3:GetObject").On("gpu-async-bucket", "async/output/0f3a.out");
        function.Can("s3:GetObject").On("gpu-async-bucket", "async/failures/0f3a-error.out");
        function.Can("kms:Decrypt").On("gpu-async-key");
        function.Cannot("s3:GetObject").On("gpu-async-bucket", "async/input/other-callers-request.json");
        function.Cannot("s3:PutObject").On("gpu-async-bucket", "async/output/0f3a.out");
        function.Can("s3:PutObject").On("batch-output-bucket", "results/resnet18/0.23.1/incoming/a.json.json");
        function.Can("dynamodb:PutItem").On("batch-predictions");
        function.Can("sqs:ReceiveMessage").On("batch-notifications");
        function.Can("sqs:DeleteMessage").On("batch-notifications");
        function.Can("sqs:SendMessage").On("batch-dead-letters");
        function.Cannot("sqs:SendMessage").On("batch-notifications");
    }

    [Fact]
    public void The_endpoints_role_reads_the_uploads_under_the_input_prefix_and_decrypts_them()
    {
        var role = StackTemplate.FromStack(Build().Stack).Access().Role("gpu-role");

        role.Can("s3:GetObject").On("batch-input-bucket", "incoming/scan-0001.json");
        role.Can("kms:Decrypt").On("batch-input-key");
        role.Cannot("s3:GetObject").On("batch-input-bucket", "private/other.json");
        role.Cannot("s3:PutObject").On("batch-input-bucket", "incoming/scan-0001.json");
        role.Cannot("s3:GetObject").On("batch-output-bucket", "results/resnet18/0.23.1/incoming/scan-0001.json.json");
    }

    /// <summary>SNS delivering to the queue: the queue's policy and its key's policy, evaluated for each topic and for a stranger.</summary>
    [Fact]
    public void Only_the_endpoints_two_topics_may_deliver_to_the_notifications_queue_and_use_its_key()
    {
        var access = StackTemplate.FromStack(Build().Stack).Access();
        var policies = access.Policies;
        var queue = policies.Outputs.Output("batch-notifications", "arn")!;
        var keyArn = policies.Outputs.Output("batch-key", "arn")!;
        var stranger = "arn:aws:sns:us-east-1:123456789012:someone-elses-topic";
        var topics = new[] { policies.Outputs.Output("gpu-success-topic", "arn")!, policies.Outputs.Output("gpu-error-topic", "arn")! };

        AccessRequest Send(string topic) => new($"{topic} delivers", "sns.amazonaws.com", "sqs:SendMessage", queue, StackPolicies.Account,
            new Dictionary<string, object> { ["aws:SourceArn"] = topic, ["aws:SourceAccount"] = StackPolicies.Account }, [], policies.QueuePolicy("batch-notifications"));
        AccessRequest Encrypt(string topic) => new($"{topic} encrypts", "sns.amazonaws.com", "kms:GenerateDataKey", keyArn, StackPolicies.Account,
            new Dictionary<string, object> { ["aws:SourceArn"] = topic, ["kms:EncryptionContext:aws:sqs:arn"] = queue }, [], policies.KeyPolicy(keyArn));

        var decisions = IamSimulator.Evaluate([.. topics.Select(Send), .. topics.Select(Encrypt), Send(stranger), Encrypt(stranger)]);

        Assert.All(decisions.Take(4), d => Assert.Equal(AccessDecision.Allowed, d.Result));
        Assert.True(decisions[4].IsDenied, "a stranger's topic may not send to the queue");
        Assert.True(decisions[5].IsDenied, "a stranger's topic may not use the queue's key");
    }

    [Theory]
    [InlineData("realtime", "Compute.Endpoint")]
    [InlineData("rollout", "Rollout")]
    [InlineData("registry", "Function.ModelBucket")]
    public void Invalid_combinations_are_refused_naming_the_component_and_the_key(string case_, string key)
    {
        Func<BatchInferenceArgs, BatchInferenceArgs>? change = case_ switch
        {
            "rollout" => a => a with { Rollout = new GradualRolloutArgs() },
            "registry" => a => a with { Function = a.Function with { ModelBucket = new EncryptedBucket(new Stack("other", "dev"), "models") } },
            _ => null,
        };
        var error = Assert.Throws<SynthesisException>(() => Build(change, realTime: case_ == "realtime"));

        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{key} = ", error.Message, StringComparison.Ordinal);
    }
}
