using Infra.Aws;
using Infra.Core;

namespace Infra.Components;

/// <summary>ARNs of API Gateway resources, built from outputs so that partition and region are never hard-coded.</summary>
public static class ApiGatewayArns
{
    /// <summary>
    /// The ARN that WAF associates with: <c>arn:{partition}:apigateway:{region}::/restapis/{id}/stages/{stage}</c>.
    /// It has no account, and it names the API by id, not by name.
    /// </summary>
    public static Output<string> Stage(Stack stack, Input<string> restApiId, Input<string> stageName)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var partition = AwsContext.Partition(stack);
        var region = AwsContext.Region(stack);
        return Output.Format($"arn:{partition}:apigateway:{region}::/restapis/{restApiId}/stages/{stageName}");
    }
}
