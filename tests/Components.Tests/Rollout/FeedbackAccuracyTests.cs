using Infra.Components;
using Infra.Testing;

namespace Components.Tests.Rollout;

/// <summary>The feedback route, the predictions log's request-id index, the function's rights, and the accuracy alarm the rollout watches.</summary>
public sealed class FeedbackAccuracyTests
{
    [Fact]
    public void Feedback_is_a_POST_route_whose_function_may_query_the_request_id_index_and_update_the_log()
    {
        var template = GradualRolloutTests.SynthApi(new GradualRolloutArgs(), a => a with { PredictionLogSampleRate = 0.1, MinimumAccuracyPercent = 85 });

        Assert.Equal("POST", template.Property("embed-api-feedback-method", "httpMethod"));
        Assert.Equal("feedback", template.Property("embed-api-path-v2-models-name-feedback", "pathPart"));
        var index = template.Property("embed-predictions", "globalSecondaryIndexes", 0);
        Assert.Equal("by-request-id", ProgramValues.At(index, "name"));
        Assert.Equal("requestId", ProgramValues.At(index, "keySchemas", 0, "attributeName"));
        Assert.Equal("ALL", ProgramValues.At(index, "projectionType"));
        var statements = (List<object?>)template.Property("embed-data-access", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${embed-predictions.arn}/index/by-request-id", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "FindPredictionByRequestId"), "Resource"));
        Assert.Equal(["dynamodb:UpdateItem"], ((List<object?>)ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "StoreFeedback"), "Action")!).Cast<string>());
    }

    [Fact]
    public void The_accuracy_alarm_fires_below_the_minimum_and_is_one_of_the_alarms_that_roll_back()
    {
        var template = GradualRolloutTests.SynthApi(new GradualRolloutArgs(), a => a with { PredictionLogSampleRate = 0.1, MinimumAccuracyPercent = 85 });

        var alarm = template.Resource("embed-monitoring-accuracy");
        // The fleet's accuracy: the average of every instance's 1-or-0 FeedbackCorrect for this version, as a percentage.
        Assert.Equal("FeedbackCorrect", ProgramValues.At(alarm, "properties", "metricQueries", 0, "metric", "metricName"));
        Assert.Equal("Average", ProgramValues.At(alarm, "properties", "metricQueries", 0, "metric", "stat"));
        Assert.Equal("ServerlessInference", ProgramValues.At(alarm, "properties", "metricQueries", 0, "metric", "namespace"));
        Assert.Equal("2.0.0", ProgramValues.At(alarm, "properties", "metricQueries", 0, "metric", "dimensions", "ModelVersion"));
        Assert.Equal("100 * correct", ProgramValues.At(alarm, "properties", "metricQueries", 1, "expression"));
        Assert.Equal(true, ProgramValues.At(alarm, "properties", "metricQueries", 1, "returnData"));
        Assert.Equal("LessThanThreshold", ProgramValues.At(alarm, "properties", "comparisonOperator"));
        Assert.Equal(85m, ProgramValues.At(alarm, "properties", "threshold"));
        Assert.Contains("${embed-monitoring-accuracy.name}",
            ((List<object?>)ProgramValues.At(GradualRolloutTests.States(template), "Step1Check", "Arguments", "AlarmNames")!).Cast<string>());
    }

    [Fact]
    public void An_accuracy_alarm_without_a_predictions_log_is_refused()
    {
        var error = Assert.Throws<Infra.Core.SynthesisException>(() => GradualRolloutTests.SynthApi(null, a => a with { MinimumAccuracyPercent = 85 }));

        Assert.Contains("MinimumAccuracyPercent = 85 is invalid: expected null unless PredictionLogSampleRate is set", error.Message, StringComparison.Ordinal);
    }
}
