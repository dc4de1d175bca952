using AwsSemantics.Tests.Access;
using AwsSemantics.Tests.Deployment;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests;

/// <summary>
/// The calls AWS services make for the deployed stacks, and each state machine's SDK calls with its role, evaluated
/// against the program's policies (role, queue, topic and key policies, trust policies).
/// </summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class ServiceCallTests(DeployedStacks deployed)
{
    [Fact]
    public void Service_to_service_calls_are_allowed()
    {
        var requests = deployed.Stacks.SelectMany(s => new ServiceIntegrations(s.Policies).All()).ToList();

        Assert.Contains(requests, r => r.Principal == "s3.amazonaws.com" && r.Action == "sqs:SendMessage");
        Assert.Contains(requests, r => r.Principal == "cloudwatch.amazonaws.com" && r.Action == "sns:Publish");
        Decisions.AssertAllAllowed(requests);
    }

    [Fact]
    public void Every_state_machine_sdk_call_is_allowed_for_its_role()
    {
        var requests = deployed.Stacks.SelectMany(s => new StateMachineCalls(s.Policies).All()).ToList();

        Decisions.AssertAllAllowed(requests);
    }

    [Fact]
    public void A_state_machine_role_cannot_reach_another_functions_aliases()
    {
        // The rollout roles are scoped: the same calls against a function the machine does not roll out are denied.
        var denied = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            foreach (var request in new StateMachineCalls(access).All().Where(r => r.Action.StartsWith("lambda:", StringComparison.Ordinal)))
            {
                var other = $"arn:aws:lambda:{access.Region}:{StackPolicies.Account}:function:not-this-stacks-function:live";
                denied.Add(request with { Description = request.Description + " on another function", Resource = other });
            }
        }

        Decisions.AssertAllDenied(denied);
    }
}
