using Infra.Components;
using static Components.Tests.ProgramAssertions;

namespace Components.Tests.Rollout;

/// <summary>The feedback route, the predictions log's request-id index, the function's rights, and the accuracy alarm the rollout watches.</summary>
public sealed class FeedbackAccuracyTests
{
    [Fact]
    public void Feedback_is_a_POST_route_whose_function_may_query_the_request_id_index_and_update_the_log()
    {
        var program = GradualRolloutTests.SynthApi(new GradualRolloutArgs(), a => a with { PredictionLogSampleRate = 0.1, MinimumAccuracyPercent = 85 });

        Assert.Equal("POST", Property(program, "embed-api-feedback-method", "httpMethod"));
        Assert.Equal("feedback", Property(program, "embed-api-path-v2-models-name-feedback", "pathPart"));
        var index = Property(program, "embed-predictions", "globalSecondaryIndexes", 0);
        Assert.Equal("by-request-id", At(index, "name"));
        Assert.Equal("requestId", At(index, "keySchemas", 0, "attributeName"));
        Assert.Equal("ALL", At(index, "projectionType"));
        var statements = (List<object?>)Property(program, "embed-data-access", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${embed-predictions.arn}/index/by-request-id", At(statements.Single(s => (string?)At(s, "Sid") == "FindPredictionByRequestId"), "Resource"));
        Assert.Equal(["dynamodb:UpdateItem"], ((List<object?>)At(statements.Single(s => (string?)At(s, "Sid") == "StoreFeedback"), "Action")!).Cast<string>());
    }

    [Fact]
    public void The_accuracy_alarm_fires_below_the_minimum_and_is_one_of_the_alarms_that_roll_back()
    {
        var program = GradualRolloutTests.SynthApi(new GradualRolloutArgs(), a => a with { PredictionLogSampleRate = 0.1, MinimumAccuracyPercent = 85 });

        var alarm = Resource(program, "embed-monitoring-accuracy");
        // The fleet's accuracy: the average of every instance's 1-or-0 FeedbackCorrect for this version, as a percentage.
        Assert.Equal("FeedbackCorrect", At(alarm, "properties", "metricQueries", 0, "metric", "metricName"));
        Assert.Equal("Average", At(alarm, "properties", "metricQueries", 0, "metric", "stat"));
        Assert.Equal("ServerlessInference", At(alarm, "properties", "metricQueries", 0, "metric", "namespace"));
        Assert.Equal("2.0.0", At(alarm, "properties", "metricQueries", 0, "metric", "dimensions", "ModelVersion"));
        Assert.Equal("100 * correct", At(alarm, "properties", "metricQueries", 1, "expression"));
        Assert.Equal(true, At(alarm, "properties", "metricQueries", 1, "returnData"));
        Assert.Equal("LessThanThreshold", At(alarm, "properties", "comparisonOperator"));
        Assert.Equal(85m, At(alarm, "properties", "threshold"));
        Assert.Contains("${embed-monitoring-accuracy.name}",
            ((List<object?>)At(GradualRolloutTests.States(program), "Step1Check", "Arguments", "AlarmNames")!).Cast<string>());
    }

    [Fact]
    public void An_accuracy_alarm_without_a_predictions_log_is_refused()
    {
        var error = Assert.Throws<Infra.Core.SynthesisException>(() => GradualRolloutTests.SynthApi(null, a => a with { MinimumAccuracyPercent = 85 }));

        Assert.Contains("MinimumAccuracyPercent = 85 is invalid: expected null unless PredictionLogSampleRate is set", error.Message, StringComparison.Ordinal);
    }
}
