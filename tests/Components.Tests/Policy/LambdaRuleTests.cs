using Infra.Aws.CloudWatch;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Policy;
using Alias = Infra.Aws.Lambda.Alias;
using AliasArgs = Infra.Aws.Lambda.AliasArgs;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class LambdaRuleTests
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/worker";
    private const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:alerts";
    private const string QueueArn = "arn:aws:sqs:eu-west-1:123456789012:failures";

    private static Function Function(Stack stack, string name, FunctionDeadLetterConfigArgs? deadLetters = null) =>
        new(stack, name, new FunctionArgs { Role = RoleArn, Runtime = "dotnet10", Handler = "Worker", DeadLetterConfig = deadLetters });

    private static MetricAlarm ErrorsAlarm(Stack stack, string name, Function function, bool notify = true) =>
        new(stack, name, new MetricAlarmArgs
        {
            Namespace = "AWS/Lambda",
            MetricName = "Errors",
            Statistic = "Sum",
            Period = 60,
            EvaluationPeriods = 1,
            Threshold = 0,
            ComparisonOperator = "GreaterThanThreshold",
            Dimensions = new InputMap<string> { ["FunctionName"] = function.FunctionName },
            AlarmActions = notify ? new[] { TopicArn } : new InputList<string>(),
        });

    private static Permission Invoker(Stack stack, string name, Input<string> function, string principal) =>
        new(stack, name, new PermissionArgs { Action = "lambda:InvokeFunction", Function = function, Principal = principal, SourceAccount = "123456789012" });

    [Fact]
    public void A_function_without_an_error_alarm_gets_a_warning()
    {
        var stack = NewStack();
        var watched = Function(stack, "watched");
        Function(stack, "unwatched");
        ErrorsAlarm(stack, "watched-errors", watched);

        var finding = AssertFires(stack, "LAMBDA-ERROR-ALARM", "unwatched", "no CloudWatch alarm watches the function's Errors metric");
        Assert.Equal(PolicySeverity.Warning, finding.Severity);
    }

    [Fact]
    public void An_error_alarm_that_notifies_no_one_is_reported()
    {
        var stack = NewStack();
        var function = Function(stack, "worker");
        ErrorsAlarm(stack, "silent-errors", function, notify: false);

        AssertFires(stack, "LAMBDA-ERROR-ALARM", "worker", "silent-errors notify no one");
    }

    [Fact]
    public void An_error_rate_built_with_metric_math_on_the_alias_counts()
    {
        var stack = NewStack();
        var function = Function(stack, "worker");
        var alias = new Alias(stack, "worker-live", new AliasArgs { Name = "live", FunctionName = function.FunctionName, FunctionVersion = function.Version });
        MetricAlarmMetricQueryArgs Query(string id, string metric) => new()
        {
            Id = id,
            Metric = new MetricAlarmMetricQueryMetricArgs
            {
                Namespace = "AWS/Lambda",
                MetricName = metric,
                Stat = "Sum",
                Period = 60,
                Dimensions = new InputMap<string> { ["FunctionName"] = alias.FunctionName, ["Resource"] = Output.Format($"{alias.FunctionName}:live") },
            },
        };
        new MetricAlarm(stack, "worker-error-rate", new MetricAlarmArgs
        {
            ComparisonOperator = "GreaterThanThreshold",
            EvaluationPeriods = 5,
            Threshold = 1,
            AlarmActions = new[] { TopicArn },
            MetricQueries = new[]
            {
                Query("errors", "Errors"),
                Query("invocations", "Invocations"),
                new MetricAlarmMetricQueryArgs { Id = "rate", Expression = "100 * errors / invocations", ReturnData = true },
            },
        });

        AssertQuiet(stack, "LAMBDA-ERROR-ALARM");
    }

    [Theory]
    [InlineData("s3.amazonaws.com")]
    [InlineData("events.amazonaws.com")]
    [InlineData("123456789012")]
    public void A_function_that_can_be_invoked_asynchronously_needs_a_failure_destination(string principal)
    {
        var stack = NewStack();
        var function = Function(stack, "worker");
        Invoker(stack, "worker-invoke", function.FunctionName, principal);

        AssertFires(stack, "LAMBDA-ASYNC-FAILURE", "worker", $"permission 'worker-invoke' for {principal}");
    }

    [Fact]
    public void An_s3_notification_through_the_alias_makes_a_function_asynchronous()
    {
        var stack = NewStack();
        var function = Function(stack, "worker");
        var alias = new Alias(stack, "worker-live", new AliasArgs { Name = "live", FunctionName = function.FunctionName, FunctionVersion = function.Version });
        var bucket = new Bucket(stack, "uploads", new BucketArgs());
        new BucketNotification(stack, "uploads-notification", new BucketNotificationArgs
        {
            Bucket = bucket.BucketName,
            LambdaFunctions = new[] { new BucketNotificationLambdaFunctionArgs { LambdaFunctionArn = alias.Arn, Events = new[] { "s3:ObjectCreated:*" } } },
        });

        AssertFires(stack, "LAMBDA-ASYNC-FAILURE", "worker", "S3 notification 'uploads-notification'");
    }

    [Fact]
    public void A_dead_letter_config_or_an_on_failure_destination_satisfies_the_rule()
    {
        var stack = NewStack();
        var withDeadLetters = Function(stack, "with-dlq", new FunctionDeadLetterConfigArgs { TargetArn = QueueArn });
        var withDestination = Function(stack, "with-destination");
        Invoker(stack, "dlq-invoke", withDeadLetters.FunctionName, "sns.amazonaws.com");
        Invoker(stack, "destination-invoke", withDestination.FunctionName, "events.amazonaws.com");
        new FunctionEventInvokeConfig(stack, "with-destination-async", new FunctionEventInvokeConfigArgs
        {
            FunctionName = withDestination.FunctionName,
            DestinationConfig = new FunctionEventInvokeConfigDestinationConfigArgs
            {
                OnFailure = new FunctionEventInvokeConfigDestinationConfigOnFailureArgs { Destination = QueueArn },
            },
        });

        AssertQuiet(stack, "LAMBDA-ASYNC-FAILURE");
    }

    [Fact]
    public void A_function_behind_api_gateway_only_is_synchronous()
    {
        var stack = NewStack();
        var function = Function(stack, "api-handler");
        Invoker(stack, "api-invoke", function.FunctionName, "apigateway.amazonaws.com");

        AssertQuiet(stack, "LAMBDA-ASYNC-FAILURE");
    }
}
