using Infra.Testing;
using Team.Inference.Stacks;
using Xunit;
using Lambda = Infra.Aws.Lambda;

namespace Team.Inference.Tests;

/// <summary>
/// Unit tests on the synthesized program: the stack is defined and synthesized in memory with the given config,
/// with no cloud account and no Pulumi. They run in pull requests (.github/workflows/pull-request.yml).
/// </summary>
public sealed class InferenceStackTests
{
    [Fact]
    public void The_api_function_has_the_configured_memory_and_serves_through_the_live_alias()
    {
        var template = StackTemplate.Synthesize(InferenceStack.Define, new StackTestOptions
        {
            StackName = "dev",
            Config = new Dictionary<string, object?> { ["memoryMb"] = 3008 },
        });

        template.ResourceCountIs<Lambda.Function>(1);
        template.HasResourceProperties<Lambda.Function>(new { memorySize = 3008 });
        template.HasResourceProperties<Lambda.Alias>(new { name = "live", functionVersion = Match.AnyValue() });
    }

    [Fact]
    public void The_prod_stack_passes_the_policy_pack_and_stays_under_its_monthly_budget()
    {
        var template = StackTemplate.Synthesize(InferenceStack.Define, new StackTestOptions
        {
            StackName = "prod",
            Secrets = new Dictionary<string, string> { ["alarmEmail"] = "oncall@example.com" },
        });

        template.Policies().HaveNoFindings();
        template.Cost().IsUnder(50);
    }
}
