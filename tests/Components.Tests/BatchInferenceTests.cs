using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class BatchInferenceTests
{
    private static StackTemplate SynthBatch(Func<BatchInferenceArgs, BatchInferenceArgs>? change = null)
    {
        var stack = new Stack("proj", "dev");
        var alerts = new AlarmNotifications(stack, "alerts");
        var args = new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            InputSuffix = ".png",
            Notifications = alerts,
        };
        new BatchInference(stack, "batch", change is null ? args : change(args));
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void Uploads_under_the_prefix_notify_the_queue_which_the_input_bucket_alone_may_send_to()
    {
        var template = SynthBatch();

        Assert.Equal("${batch-input-bucket.bucket}", template.Property("batch-notification", "bucket"));
        Assert.Equal("${batch-queue.arn}", template.Property("batch-notification", "queues", 0, "queueArn"));
        Assert.Equal("incoming/", template.Property("batch-notification", "queues", 0, "filterPrefix"));
        Assert.Equal(".png", template.Property("batch-notification", "queues", 0, "filterSuffix"));
        Assert.Contains("${batch-queue-policy}", (List<object?>)template.At("resources", "batch-notification", "options", "dependsOn")!);
        var send = template.Property("batch-queue-policy", "policy", "fn::toJSON", "Statement", 0);
        Assert.Equal("s3.amazonaws.com", ProgramValues.At(send, "Principal", "Service"));
        Assert.Equal("${batch-input-bucket.arn}", ProgramValues.At(send, "Condition", "ArnEquals", "aws:SourceArn"));
    }

    [Fact]
    public void The_queue_is_encrypted_outlasts_six_function_timeouts_and_redrives_to_a_dead_letter_queue()
    {
        var template = SynthBatch(a => a with { MaxReceiveCount = 4 });

        Assert.Equal(720m, template.Property("batch-queue", "visibilityTimeoutSeconds"));
        Assert.Equal("${batch-key.arn}", template.Property("batch-queue", "kmsMasterKeyId"));
        Assert.Equal("${batch-key.arn}", template.Property("batch-dead-letters", "kmsMasterKeyId"));
        Assert.Equal("${batch-dead-letters.arn}", template.Property("batch-queue", "redrivePolicy", "fn::toJSON", "deadLetterTargetArn"));
        Assert.Equal(4L, template.Property("batch-queue", "redrivePolicy", "fn::toJSON", "maxReceiveCount"));
        Assert.Equal("s3.amazonaws.com", template.Property("batch-key", "policy", "fn::toJSON", "Statement", 1, "Principal", "Service"));
    }

    [Fact]
    public void The_queue_invokes_the_live_alias_and_reports_partial_batch_failures()
    {
        var template = SynthBatch(a => a with { BatchSize = 50, BatchingWindow = TimeSpan.FromSeconds(10), MaximumConcurrency = 8 });

        Assert.Equal("${batch-queue.arn}", template.Property("batch-trigger", "eventSourceArn"));
        Assert.Equal("${batch-function-alias.arn}", template.Property("batch-trigger", "functionName"));
        Assert.Equal(new List<object?> { "ReportBatchItemFailures" }, template.Property("batch-trigger", "functionResponseTypes"));
        Assert.Equal(50m, template.Property("batch-trigger", "batchSize"));
        Assert.Equal(10m, template.Property("batch-trigger", "maximumBatchingWindowInSeconds"));
        Assert.Equal(8m, template.Property("batch-trigger", "scalingConfig", "maximumConcurrency"));
    }

    [Fact]
    public void Results_go_to_the_output_bucket_and_the_predictions_log_is_an_encrypted_recoverable_on_demand_table()
    {
        var template = SynthBatch();
        var variables = template.Property("batch-function-function", "environment", "variables");

        Assert.Equal("${batch-output-bucket.bucket}", ProgramValues.At(variables, "RESULTS_BUCKET"));
        Assert.Equal("results/", ProgramValues.At(variables, "RESULTS_PREFIX"));
        Assert.Equal("ppocr-cls", ProgramValues.At(variables, "BATCH_MODEL_NAME"));
        Assert.Equal("2.0.0", ProgramValues.At(variables, "BATCH_MODEL_VERSION"));
        Assert.Equal("${batch-predictions.name}", ProgramValues.At(variables, "PREDICTIONS_TABLE"));
        Assert.Equal("PAY_PER_REQUEST", template.Property("batch-predictions", "billingMode"));
        Assert.Equal(true, template.Property("batch-predictions", "pointInTimeRecovery", "enabled"));
        Assert.Equal("${batch-key.arn}", template.Property("batch-predictions", "serverSideEncryption", "kmsKeyArn"));
        Assert.Equal("expiresAt", template.Property("batch-predictions", "ttl", "attributeName"));
    }

    [Fact]
    public void The_function_may_read_inputs_write_results_consume_the_queue_and_log_predictions_without_wildcard_actions()
    {
        var template = SynthBatch();

        Assert.Equal("${batch-input-bucket.arn}/incoming/*", template.Property("batch-input-grant-read-function", "policy", "fn::toJSON", "Statement", 0, "Resource"));
        Assert.Equal("${batch-function-role.name}", template.Property("batch-input-grant-read-function", "role"));
        Assert.Equal("${batch-output-bucket.arn}/results/*", template.Property("batch-output-grant-write-function", "policy", "fn::toJSON", "Statement", 0, "Resource"));
        var consume = (List<object?>)template.Property("batch-consume", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${batch-queue.arn}", ProgramValues.At(consume[0], "Resource"));
        Assert.Equal("${batch-predictions.arn}", ProgramValues.At(consume[1], "Resource"));
        Assert.All(consume, s => Assert.All((List<object?>)ProgramValues.At(s, "Action")!, a => Assert.DoesNotContain("*", (string)a!, StringComparison.Ordinal)));
        Assert.Contains("${batch-consume}", (List<object?>)template.At("resources", "batch-trigger", "options", "dependsOn")!);
    }

    [Fact]
    public void Dead_letters_and_a_growing_backlog_raise_alarms()
    {
        var template = SynthBatch(a => a with { OldestMessageAlarm = TimeSpan.FromSeconds(600) });

        Assert.Equal("ApproximateNumberOfMessagesVisible", template.Property("batch-dead-letters-visible", "metricName"));
        Assert.Equal("${batch-dead-letters.name}", template.Property("batch-dead-letters-visible", "dimensions", "QueueName"));
        Assert.Equal(0m, template.Property("batch-dead-letters-visible", "threshold"));
        Assert.Equal("ApproximateAgeOfOldestMessage", template.Property("batch-oldest-message-age", "metricName"));
        Assert.Equal(600m, template.Property("batch-oldest-message-age", "threshold"));
        Assert.Equal("${alerts-topic.arn}", template.Property("batch-oldest-message-age", "alarmActions", 0));
    }

    [Fact]
    public void The_batch_function_has_its_own_alarms_with_a_latency_threshold_near_its_timeout()
    {
        var template = SynthBatch();

        Assert.Equal("${batch-function-function.name}:live", template.Property("batch-monitoring-error-rate", "metricQueries", 0, "metric", "dimensions", "Resource"));
        Assert.Equal(96000m, template.Property("batch-monitoring-p95-duration", "threshold"));
        Assert.Equal("${alerts-topic.arn}", template.Property("batch-monitoring-error-rate", "alarmActions", 0));
    }

    [Fact]
    public void Invalid_settings_name_the_component_key_value_and_limit()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthBatch(a => a with
        {
            BatchSize = 100,
            BatchingWindow = TimeSpan.FromSeconds(0),
            MaximumConcurrency = 1,
            Function = a.Function with { Timeout = TimeSpan.FromSeconds(900) },
        }));

        Assert.Contains("component 'batch': BatchingWindow = 0 seconds is invalid: expected at least 1 second when BatchSize is above 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaximumConcurrency = 1 is invalid: expected an integer from 2 to 1000", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeout", error.Message, StringComparison.Ordinal);
    }
}
