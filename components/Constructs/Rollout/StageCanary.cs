using Infra.Aws;
using Infra.Aws.ApiGateway;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The stage side of a traffic split at API Gateway: the integration invokes the alias the stage variable
/// <c>lambdaAlias</c> names (the stable alias on the stage, the candidate in its canary), and the canary starts at 0 %.
/// </summary>
internal static class StageCanary
{
    public const string Variable = "lambdaAlias";

    /// <summary>The Lambda proxy integration URI with the alias left to the stage variable (API Gateway resolves it per request).</summary>
    public static Output<string> InvokeArn(Stack stack, Input<string> functionArn) =>
        Output.Format($"arn:{AwsContext.Partition(stack)}:apigateway:{AwsContext.Region(stack)}:lambda:path/2015-03-31/functions/{functionArn}:${{stageVariables.{Variable}}}/invocations");

    public static StageCanarySettingsArgs Settings(Input<string> deploymentId, Input<string> canaryAlias) => new()
    {
        DeploymentId = deploymentId,
        PercentTraffic = 0,
        StageVariableOverrides = new InputMap<string> { [Variable] = canaryAlias },
        UseStageCache = false,
    };
}
