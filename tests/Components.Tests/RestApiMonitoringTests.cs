using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class RestApiMonitoringTests
{
    [Fact]
    public void The_endpoint_plugs_into_the_function_monitoring_alarms_and_dashboard()
    {
        var stack = new Stack("proj", "dev");
        var function = new InferenceFunction(stack, "embed", new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent") });
        var api = new RestApiEndpoint(stack, "api", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(function.Alias),
            Tiers = [new UsagePlanTier { Name = "free", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 5, BurstLimit = 10 }],
            Clients = [new ApiClient("acme", "free")],
        });
        new InferenceMonitoring(stack, "embed-monitoring", new InferenceMonitoringArgs
        {
            Function = function,
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            Api = api.MonitoredApi,
            ExtraWidgets = [api.ErrorsWidget(0, 0), api.UsageByClientWidget(0, 0)],
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${embed-alias.invokeArn}", template.Property("api-infer-integration", "uri"));
        Assert.Equal("${embed-alias.functionName}", template.Property("api-infer-permission", "function"));
        var serverErrors = template.Property("embed-monitoring-api-5xx-rate", "metricQueries", 0, "metric");
        Assert.Equal("5XXError", ProgramValues.At(serverErrors, "metricName"));
        Assert.Equal("${api-api.name}", ProgramValues.At(serverErrors, "dimensions", "ApiName"));
        Assert.Equal("prod", ProgramValues.At(serverErrors, "dimensions", "Stage"));
        var widgets = (List<object?>)template.Property("embed-monitoring-dashboard", "dashboardBody", "fn::toJSON", "widgets")!;
        Assert.Contains(widgets, w => (string?)ProgramValues.At(w, "type") == "log"
            && ((string)ProgramValues.At(w, "properties", "query")!).StartsWith("SOURCE '${api-access-logs.name}'", StringComparison.Ordinal));
    }
}
