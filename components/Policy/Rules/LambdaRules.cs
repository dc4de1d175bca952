using Infra.Core;

namespace Infra.Policy.Rules;

public sealed class LambdaErrorAlarmRule : PolicyRule
{
    public override string Id => "LAMBDA-ERROR-ALARM";

    // A missing alarm leaves the stack safe but unwatched, so it warns rather than blocks.
    public override PolicySeverity Severity => PolicySeverity.Warning;

    public override string Why => "without an error alarm a broken deploy or a failing model is noticed by callers first, not by the team";

    public override string Fix => "add InferenceMonitoring for the function (its error-rate alarm), or a MetricAlarm on AWS/Lambda Errors with FunctionName = the function's name and an alarmActions topic";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var alarms = graph.OfType(Aws.CloudWatch.MetricAlarm.PulumiType).ToList();
        foreach (var function in graph.OfType(Aws.Lambda.Function.PulumiType))
        {
            var watching = alarms.Where(a => WatchesErrors(graph, a, function)).ToList();
            if (watching.Count == 0)
            {
                yield return Finding(function, "no CloudWatch alarm watches the function's Errors metric");
            }
            else if (!watching.Any(a => graph.Input(a, "alarmActions").Items().Count > 0))
            {
                yield return Finding(function, $"the error alarm(s) {string.Join(", ", watching.Select(a => a.LogicalName))} notify no one (no alarmActions)");
            }
        }
    }

    private static bool WatchesErrors(ResourceGraph graph, Resource alarm, Resource function)
    {
        var metrics = graph.Input(alarm, "metricQueries").Items().Select(q => q.At("metric")).Append(graph.Inputs(alarm));
        return metrics.Any(m => m is not null
            && m.At("namespace").Literal() == "AWS/Lambda"
            && m.At("metricName").Literal() == "Errors"
            && graph.Identifies(m.At("dimensions.FunctionName"), function));
    }
}

public sealed class LambdaAsyncFailureRule : PolicyRule
{
    /// <summary>Services that only ever invoke a function synchronously; any other principal may invoke it asynchronously.</summary>
    private static readonly HashSet<string> SynchronousPrincipals = new(StringComparer.Ordinal)
    {
        "apigateway.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
        "cognito-idp.amazonaws.com",
    };

    public override string Id => "LAMBDA-ASYNC-FAILURE";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "Lambda retries a failed asynchronous event twice and then drops it; without a dead-letter queue or destination the event is lost without a trace";

    public override string Fix => "use InferenceFunction (its async config sends failures to its dead-letter queue), or add a FunctionEventInvokeConfig with destinationConfig.onFailure, or deadLetterConfig on the function";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var function in graph.OfType(Aws.Lambda.Function.PulumiType))
        {
            var callers = AsynchronousCallers(graph, function).ToList();
            if (callers.Count > 0 && !HandlesFailures(graph, function))
            {
                yield return Finding(function, $"the function can be invoked asynchronously ({string.Join(", ", callers)}) but has no dead-letter queue or on-failure destination");
            }
        }
    }

    private static IEnumerable<string> AsynchronousCallers(ResourceGraph graph, Resource function)
    {
        foreach (var permission in graph.Referrers(function, Aws.Lambda.Permission.PulumiType, "function"))
        {
            var principal = graph.Input(permission, "principal").Text() ?? "a computed principal";
            if (!SynchronousPrincipals.Contains(principal))
            {
                yield return $"permission '{permission.LogicalName}' for {principal}";
            }
        }

        foreach (var notification in graph.OfType(Aws.S3.BucketNotification.PulumiType)
            .Where(n => graph.Input(n, "lambdaFunctions").Items().Any(l => graph.Identifies(l.At("lambdaFunctionArn"), function))))
        {
            yield return $"S3 notification '{notification.LogicalName}'";
        }

        foreach (var subscription in graph.Referrers(function, Aws.Sns.TopicSubscription.PulumiType, "endpoint")
            .Where(s => graph.Input(s, "protocol").Literal() == "lambda"))
        {
            yield return $"SNS subscription '{subscription.LogicalName}'";
        }

        foreach (var target in graph.Referrers(function, Aws.CloudWatch.EventTarget.PulumiType, "arn"))
        {
            yield return $"EventBridge target '{target.LogicalName}'";
        }
    }

    private static bool HandlesFailures(ResourceGraph graph, Resource function) =>
        graph.Input(function, "deadLetterConfig.targetArn").IsSet()
        || graph.Referrers(function, Aws.Lambda.FunctionEventInvokeConfig.PulumiType, "functionName")
            .Any(c => graph.Input(c, "destinationConfig.onFailure.destination").IsSet());
}
