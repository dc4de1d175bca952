using Infra.Core;

namespace Infra.Components;

/// <summary>IAM policy documents as JSON rendered by the engine (<c>fn::toJSON</c>), so they can hold outputs.</summary>
internal static class PolicyDocuments
{
    public static Output<string> Of(params object[] statements) =>
        Output.JsonSerialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    public static object Allow(string sid, IEnumerable<string> actions, object resources) => new Dictionary<string, object>
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Action"] = actions.ToArray(),
        ["Resource"] = resources,
    };

    /// <summary>A trust policy that lets one AWS service assume the role.</summary>
    public static Output<string> AssumedBy(string servicePrincipal) => Of(new Dictionary<string, object>
    {
        ["Effect"] = "Allow",
        ["Principal"] = new Dictionary<string, object> { ["Service"] = servicePrincipal },
        ["Action"] = "sts:AssumeRole",
    });
}
