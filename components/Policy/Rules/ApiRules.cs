using Infra.Core;

namespace Infra.Policy.Rules;

/// <summary>REST APIs reachable from the internet: every endpoint type but PRIVATE.</summary>
internal static class PublicApis
{
    public static bool IsPublic(ResourceGraph graph, Resource restApi) =>
        !string.Equals(graph.Input(restApi, "endpointConfiguration.types").Literal(), "PRIVATE", StringComparison.OrdinalIgnoreCase);

    /// <summary>The public REST API a stage or method belongs to (its restApi input), if any.</summary>
    public static Resource? PublicApiOf(ResourceGraph graph, Resource child) =>
        graph.OfType(Aws.ApiGateway.RestApi.PulumiType).FirstOrDefault(api => graph.Identifies(graph.Input(child, "restApi"), api) && IsPublic(graph, api));
}

public sealed class ApiWafRule : PolicyRule
{
    public override string Id => "API-WAF";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "without WAF a public inference API has no per-IP rate limit, body-size limit or managed protections in front of paid Lambda time";

    public override string Fix => "create a Waf and call waf.Associate(api) (the association's resourceArn is the stage ARN, ApiGatewayArns.Stage)";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var associations = graph.OfType(Aws.WafV2.WebAclAssociation.PulumiType).Select(a => graph.Input(a, "resourceArn")).ToList();
        foreach (var stage in graph.OfType(Aws.ApiGateway.Stage.PulumiType))
        {
            if (PublicApis.PublicApiOf(graph, stage) is { } api && !associations.Any(arn => Protects(graph, arn, stage, api)))
            {
                yield return Finding(stage, "the stage of a public REST API has no WAF web ACL association");
            }
        }
    }

    // The association names the stage by reference (${stage.stageName}), or by its API and a literal stage name.
    private static bool Protects(ResourceGraph graph, ProgramValue? arn, Resource stage, Resource api) =>
        graph.Identifies(arn, stage)
        || (graph.Identifies(arn, api) && graph.Input(stage, "stageName").Literal() is { } name
            && arn.Text()?.EndsWith("/stages/" + name, StringComparison.Ordinal) == true);
}

public sealed class ApiAuthRule : PolicyRule
{
    public override string Id => "API-AUTH";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "an open method lets anyone on the internet run the model at the account's expense, with no caller to meter, throttle or block";

    public override string Fix => "use RestApiEndpoint's Auth (ApiKey, Iam or Cognito), or set apiKeyRequired: true or authorization AWS_IAM / COGNITO_USER_POOLS / CUSTOM on the method";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var method in graph.OfType(Aws.ApiGateway.Method.PulumiType))
        {
            // CORS preflight requests carry no credentials, so OPTIONS methods are open by design.
            var open = !string.Equals(graph.Input(method, "httpMethod").Literal(), "OPTIONS", StringComparison.OrdinalIgnoreCase)
                && string.Equals(graph.Input(method, "authorization").Literal(), "NONE", StringComparison.OrdinalIgnoreCase)
                && !graph.Input(method, "apiKeyRequired").IsTrue();
            if (open && PublicApis.PublicApiOf(graph, method) is not null)
            {
                yield return Finding(method, "the method of a public REST API has authorization NONE and does not require an API key");
            }
        }
    }
}
