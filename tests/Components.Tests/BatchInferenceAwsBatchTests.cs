using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

/// <summary>BatchInference's AWS Batch option: the compute that scales to zero, the trigger, the dead letters, the roles.</summary>
public class BatchInferenceAwsBatchTests
{
    private static readonly AwsBatchCompute Fargate = new()
    {
        Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:abc",
        SubnetIds = ["subnet-1", "subnet-2"],
        SecurityGroupIds = ["sg-1"],
    };

    private static readonly AwsBatchCompute GpuSpot = Fargate with
    {
        Capacity = AwsBatchCapacity.Ec2Spot,
        InstanceTypes = ["g6.xlarge", "g5.xlarge"],
        Gpus = 1,
        Vcpus = 4,
        Memory = DataSize.FromMebibytes(15000),
        MaxVcpus = 32,
    };

    private static (Stack Stack, BatchInference Batch) Build(BatchCompute compute, Func<BatchInferenceArgs, BatchInferenceArgs>? change = null)
    {
        var stack = new Stack("proj", "dev");
        var args = new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            InputSuffix = ".jpg",
            Notifications = new AlarmNotifications(stack, "alerts"),
            Compute = compute,
        };
        var batch = new BatchInference(stack, "batch", change is null ? args : change(args));
        return (stack, batch);
    }

    private static StackTemplate Synth(BatchCompute compute) => StackTemplate.FromStack(Build(compute).Stack);

    [Fact]
    public void Lambda_is_the_default_compute()
    {
        var (stack, batch) = Build(BatchCompute.Lambda);
        var template = StackTemplate.FromStack(stack);

        Assert.IsType<LambdaBatchCompute>(new BatchInferenceArgs { Function = new InferenceFunctionArgs(), ModelName = "m", ModelVersion = "1", Notifications = batch.Settings.Notifications }.Compute);
        Assert.NotNull(batch.Function);
        Assert.Null(batch.Jobs);
        Assert.DoesNotContain(template.Resources, r => r.Type.StartsWith("aws:batch/", StringComparison.Ordinal));
    }

    [Fact]
    public void On_Fargate_the_environment_scales_to_zero_and_no_lambda_queue_or_mapping_is_made()
    {
        var (stack, batch) = Build(Fargate);
        var template = StackTemplate.FromStack(stack);

        Assert.Equal("MANAGED", template.Property("batch-compute", "type"));
        Assert.Equal("FARGATE", template.Property("batch-compute", "computeResources", "type"));
        Assert.Equal(16m, template.Property("batch-compute", "computeResources", "maxVcpus"));
        // Fargate takes no minimum or instance types, and without a service role Batch uses its service-linked role.
        Assert.False(template.Has("resources", "batch-compute", "properties", "computeResources", "minVcpus"));
        Assert.False(template.Has("resources", "batch-compute", "properties", "computeResources", "instanceTypes"));
        Assert.False(template.Has("resources", "batch-compute", "properties", "serviceRole"));
        Assert.Equal(new List<object?> { "subnet-1", "subnet-2" }, template.Property("batch-compute", "computeResources", "subnets"));
        Assert.Equal("${batch-compute.arn}", template.Property("batch-job-queue", "computeEnvironmentOrders", 0, "computeEnvironment"));
        Assert.Null(batch.Function);
        Assert.Null(batch.Queue);
        Assert.DoesNotContain(template.Resources, r => r.Type.StartsWith("aws:lambda/", StringComparison.Ordinal));
        Assert.Equal(["batch-dead-letters"], template.ResourcesOf<Infra.Aws.Sqs.Queue>().Select(r => r.LogicalName));
    }

    [Fact]
    public void On_EC2_spot_GPU_instances_start_from_zero_on_the_NVIDIA_AMI_with_an_instance_profile()
    {
        var template = Synth(GpuSpot);

        Assert.Equal("SPOT", template.Property("batch-compute", "computeResources", "type"));
        Assert.Equal(0m, template.Property("batch-compute", "computeResources", "minVcpus"));
        Assert.Equal(32m, template.Property("batch-compute", "computeResources", "maxVcpus"));
        Assert.Equal("SPOT_PRICE_CAPACITY_OPTIMIZED", template.Property("batch-compute", "computeResources", "allocationStrategy"));
        Assert.Equal(new List<object?> { "g6.xlarge", "g5.xlarge" }, template.Property("batch-compute", "computeResources", "instanceTypes"));
        Assert.Equal("${batch-instance-profile.arn}", template.Property("batch-compute", "computeResources", "instanceRole"));
        Assert.Equal("ECS_AL2023_NVIDIA", template.Property("batch-compute", "computeResources", "ec2Configurations", 0, "imageType"));
        Assert.Equal("${batch-instance-role.name}", template.Property("batch-instance-profile", "role"));
        Assert.Equal(new List<object?> { "EC2" }, template.Property("batch-job-definition", "platformCapabilities"));
        var requirements = (List<object?>)template.Property("batch-job-definition", "containerProperties", "fn::toJSON", "resourceRequirements")!;
        Assert.Contains(requirements, r => ProgramValues.At(r, "type") as string == "GPU" && ProgramValues.At(r, "value") as string == "1");
    }

    [Fact]
    public void The_job_runs_the_image_in_batch_job_mode_with_the_records_settings_of_the_lambda_path()
    {
        var template = Synth(Fargate);
        var container = template.Property("batch-job-definition", "containerProperties", "fn::toJSON");
        var variables = ((List<object?>)ProgramValues.At(container, "environment")!).ToDictionary(v => (string)ProgramValues.At(v, "name")!, v => ProgramValues.At(v, "value"));

        Assert.Equal("123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:abc", ProgramValues.At(container, "image"));
        Assert.Equal(new List<object?> { "Ref::input" }, ProgramValues.At(container, "command"));
        Assert.Equal("${batch-job-role.arn}", ProgramValues.At(container, "jobRoleArn"));
        Assert.Equal("${batch-job-execution-role.arn}", ProgramValues.At(container, "executionRoleArn"));
        Assert.Equal("1", variables["BATCH_JOB_MODE"]);
        Assert.Equal("${batch-dead-letters.url}", variables["BATCH_DEAD_LETTER_QUEUE_URL"]);
        Assert.Equal("3", variables["BATCH_JOB_ATTEMPTS"]);
        Assert.Equal("${batch-output-bucket.bucket}", variables["RESULTS_BUCKET"]);
        Assert.Equal("${batch-predictions.name}", variables["PREDICTIONS_TABLE"]);
        Assert.Equal("resnet18", variables["BATCH_MODEL_NAME"]);
        Assert.Equal("${batch-job-logs.name}", ProgramValues.At(container, "logConfiguration", "options", "awslogs-group"));
        Assert.Equal("${batch-key.arn}", template.Property("batch-job-logs", "kmsKeyId"));
        Assert.Equal(3m, template.Property("batch-job-definition", "retryStrategy", "attempts"));
        Assert.Equal(3600m, template.Property("batch-job-definition", "timeout", "attemptDurationSeconds"));
    }

    [Fact]
    public void New_inputs_submit_a_job_through_EventBridge_and_failures_reach_the_dead_letter_queue_with_a_reason()
    {
        var template = Synth(Fargate);

        Assert.Equal(true, template.Property("batch-notification", "eventbridge"));
        var pattern = template.Property("batch-uploads", "eventPattern", "fn::toJSON");
        Assert.Equal("incoming/*.jpg", ProgramValues.At(pattern, "detail", "object", "key", 0, "wildcard"));
        Assert.Equal("${batch-job-queue.arn}", template.Property("batch-submit-job", "arn"));
        Assert.Equal("${batch-job-definition.arn}", template.Property("batch-submit-job", "batchTarget", "jobDefinition"));
        Assert.Equal("""{"Parameters":{"input":"s3://<bucket>/<key>"}}""", template.Property("batch-submit-job", "inputTransformer", "inputTemplate"));
        Assert.Equal("${batch-dead-letters.arn}", template.Property("batch-submit-job", "deadLetterConfig", "arn"));
        var failed = template.Property("batch-failed-jobs", "eventPattern", "fn::toJSON");
        Assert.Equal("FAILED", ProgramValues.At(failed, "detail", "status", 0));
        Assert.Equal("${batch-job-queue.arn}", ProgramValues.At(failed, "detail", "jobQueue", 0));
        Assert.Equal("${batch-dead-letters.arn}", template.Property("batch-dead-letter-failed-job", "arn"));
        // '$' is doubled in the program: Pulumi YAML reads "$$" as a literal '$'.
        Assert.Equal("$$.detail.statusReason", template.Property("batch-dead-letter-failed-job", "inputTransformer", "inputPaths", "reason"));
        var keyStatements = (List<object?>)template.Property("batch-key", "policy", "fn::toJSON", "Statement")!;
        Assert.Contains(keyStatements, s => ProgramValues.At(s, "Sid") as string == "EventBridgeSendsDeadLetters");
    }

    [Fact]
    public void The_job_role_reads_inputs_writes_records_logs_predictions_and_dead_letters_and_nothing_else()
    {
        var access = Synth(Fargate).Access();
        var job = access.Role("batch-job-role");

        job.Can("s3:GetObject").On("batch-input-bucket", "incoming/photo.jpg");
        job.Cannot("s3:GetObject").On("batch-input-bucket", "other/photo.jpg");
        job.Can("s3:PutObject").On("batch-output-bucket", "results/resnet18/0.23.1/incoming/photo.jpg.json");
        job.Cannot("s3:PutObject").On("batch-output-bucket", "incoming/photo.jpg");
        job.Cannot("s3:DeleteObject").On("batch-output-bucket", "results/resnet18/0.23.1/incoming/photo.jpg.json");
        job.Can("dynamodb:PutItem").On("batch-predictions");
        job.Cannot("dynamodb:DeleteItem").On("batch-predictions");
        job.Can("sqs:SendMessage").On("batch-dead-letters");
        job.Cannot("sqs:DeleteMessage").On("batch-dead-letters");
        job.Can("kms:GenerateDataKey").On("batch-key");
    }

    [Fact]
    public void EventBridge_may_submit_jobs_only_to_this_queue_with_this_definition()
    {
        var access = Synth(Fargate).Access();
        var submit = access.Role("batch-submit-role");

        submit.Can("batch:SubmitJob").On("batch-job-queue");
        submit.Can("batch:SubmitJob").On("batch-job-definition");
        submit.Cannot("batch:SubmitJob").On("arn:aws:batch:us-east-1:123456789012:job-queue/someone-elses");
        submit.Cannot("batch:UpdateJobQueue").On("batch-job-queue");
        submit.Cannot("s3:GetObject").On("batch-input-bucket", "incoming/photo.jpg");
    }

    [Theory]
    [MemberData(nameof(InvalidComputes))]
    public void Invalid_compute_settings_are_refused_naming_the_component_and_key(string key, AwsBatchCompute compute)
    {
        var error = Assert.Throws<SynthesisException>(() => Build(compute));

        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{key} = ", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, AwsBatchCompute> InvalidComputes() => new()
    {
        { "Compute.InstanceTypes", Fargate with { InstanceTypes = ["g6.xlarge"] } },
        { "Compute.Gpus", Fargate with { Gpus = 1 } },
        { "Compute.Vcpus", Fargate with { Vcpus = 3 } },
        { "Compute.Memory", Fargate with { Vcpus = 1, Memory = DataSize.FromMebibytes(16384) } },
        { "Compute.MaxVcpus", Fargate with { MaxVcpus = 0 } },
        { "Compute.MaxVcpus", Fargate with { MaxVcpus = 10_001 } },
        { "Compute.Vcpus", GpuSpot with { MaxVcpus = 2 } },
        { "Compute.SubnetIds", Fargate with { SubnetIds = [] } },
        { "Compute.SecurityGroupIds", Fargate with { SecurityGroupIds = [] } },
        { "Compute.InstanceTypes", GpuSpot with { InstanceTypes = [] } },
        { "Compute.InstanceTypes", GpuSpot with { InstanceTypes = ["c7i.xlarge", "g6.xlarge"] } },
        { "Compute.JobAttempts", Fargate with { JobAttempts = 11 } },
        { "Compute.JobTimeout", Fargate with { JobTimeout = TimeSpan.FromSeconds(30) } },
    };

    [Fact]
    public void A_rollout_is_refused_with_AWS_Batch_compute()
    {
        var error = Assert.Throws<SynthesisException>(() => Build(Fargate, a => a with { Rollout = new GradualRolloutArgs() }));

        Assert.Contains("Rollout = ", error.Message, StringComparison.Ordinal);
    }
}
