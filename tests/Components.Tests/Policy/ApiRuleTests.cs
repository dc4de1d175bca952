using Infra.Aws.ApiGateway;
using Infra.Aws.WafV2;
using Infra.Core;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class ApiRuleTests
{
    private const string WebAclArn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/a1b2c3d4";

    private static (RestApi Api, Stage Stage) Api(Stack stack, string name, string endpointType = "REGIONAL")
    {
        var api = new RestApi(stack, name, new RestApiArgs { EndpointConfiguration = new RestApiEndpointConfigurationArgs { Types = endpointType } });
        var deployment = new Deployment(stack, name + "-deployment", new DeploymentArgs { RestApi = api.Id });
        var stage = new Stage(stack, name + "-stage", new StageArgs { RestApi = api.Id, Deployment = deployment.Id, StageName = "prod" });
        return (api, stage);
    }

    private static Method Method(Stack stack, string name, RestApi api, string httpMethod, string authorization, bool? apiKeyRequired = null) =>
        new(stack, name, new MethodArgs
        {
            RestApi = api.Id,
            ResourceId = api.RootResourceId,
            HttpMethod = httpMethod,
            Authorization = authorization,
            ApiKeyRequired = apiKeyRequired,
        });

    private static void Associate(Stack stack, string name, Input<string> stageArn) =>
        new WebAclAssociation(stack, name, new WebAclAssociationArgs { ResourceArn = stageArn, WebAclArn = WebAclArn });

    [Fact]
    public void A_public_stage_without_waf_fires()
    {
        var stack = NewStack();
        Api(stack, "api");

        AssertFires(stack, "API-WAF", "api-stage", "no WAF web ACL association");
    }

    [Fact]
    public void An_association_by_the_stage_arn_protects_that_stage_only()
    {
        var stack = NewStack();
        var (api, stage) = Api(stack, "api");
        var (other, _) = Api(stack, "other");
        Associate(stack, "api-waf", Output.Format($"arn:aws:apigateway:eu-west-1::/restapis/{api.Id}/stages/{stage.StageName}"));
        Associate(stack, "other-waf", Output.Format($"arn:aws:apigateway:eu-west-1::/restapis/{other.Id}/stages/staging"));

        Assert.Equal(["other-stage"], Flagged(stack, "API-WAF"));
    }

    [Fact]
    public void An_association_that_names_the_stage_literally_counts_and_private_apis_need_none()
    {
        var stack = NewStack();
        var (api, _) = Api(stack, "api");
        Api(stack, "internal", "PRIVATE");
        Associate(stack, "api-waf", Output.Format($"arn:aws:apigateway:eu-west-1::/restapis/{api.Id}/stages/prod"));

        AssertQuiet(stack, "API-WAF");
    }

    [Fact]
    public void An_open_method_fires_and_methods_with_keys_or_auth_and_preflight_are_quiet()
    {
        var stack = NewStack();
        var (api, _) = Api(stack, "api");
        Method(stack, "open", api, "POST", "NONE");
        Method(stack, "keyed", api, "POST", "NONE", apiKeyRequired: true);
        Method(stack, "signed", api, "GET", "AWS_IAM");
        Method(stack, "preflight", api, "OPTIONS", "NONE");

        AssertFires(stack, "API-AUTH", "open", "authorization NONE and does not require an API key");
    }

    [Fact]
    public void Methods_of_a_private_api_are_not_public()
    {
        var stack = NewStack();
        var (api, _) = Api(stack, "internal", "PRIVATE");
        Method(stack, "open", api, "POST", "NONE");

        AssertQuiet(stack, "API-AUTH");
    }
}
