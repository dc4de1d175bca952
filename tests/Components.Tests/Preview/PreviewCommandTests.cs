using System.Text.Json;
using Infra.Hosting;
using Infra.Preview;

namespace Components.Tests.Preview;

public sealed class PreviewCommandTests : IDisposable
{
    private readonly TempProject _project = new("team");

    public void Dispose() => _project.Dispose();

    private static (int ExitCode, string Out, string Error) RunTeamStack(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run(args, Stacks.TeamStacks.Define, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = TeamStackTests.RepositoryRoot(),
            Environment = _ => null,
        });
        return (code, output.ToString(), errors.ToString());
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Both_team_stacks_preview_their_plan_and_cost(string stack)
    {
        var (code, output, errors) = RunTeamStack("preview", "--stack", stack);

        Assert.True(code == 0, errors);
        Assert.StartsWith($"Plan: stack '{stack}' of project 'ml-serving'", output, StringComparison.Ordinal);
        Assert.Contains("\n  embed/function (ml:InferenceFunction): ", output, StringComparison.Ordinal);
        Assert.Contains("\nMonthly cost estimate: $", output, StringComparison.Ordinal);
        Assert.Contains("\nPolicy: 0 error(s), ", output, StringComparison.Ordinal);
        Assert.Contains(" per 1,000 predictions", output, StringComparison.Ordinal);
        Assert.Contains("\nAlways-on alternative (containers running all month instead of Lambda and API Gateway): $", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_prices_the_scheduled_provisioned_concurrency()
    {
        var (code, output, errors) = RunTeamStack("preview", "--stack", "prod");

        Assert.True(code == 0, errors);
        // 333 instance-hours a week (see ProvisionedHoursTests) over a 730-hour month.
        Assert.Contains($"provisioned concurrency ({333 * 730 / 168.0:N0} instance-hours)", output, StringComparison.Ordinal);
        Assert.Contains("schedule weekday-peak: cron(0 8 ? * MON-FRI *) UTC -> 4 to 4 instances", output, StringComparison.Ordinal);
        // The capacity priced is shown as Application Auto Scaling would keep it.
        Assert.Contains("    provisioned concurrency as Application Auto Scaling runs the schedule (UTC): " +
            "Mon-Fri 00:00-08:00 1, 08:00-18:00 4, 18:00-19:00 3, 19:00-20:00 2, 20:00-24:00 1; Sat-Sun all day 1; 333 instance-hours a week\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_estimate_is_compared_with_the_budget_the_stack_declares()
    {
        var (code, output, errors) = RunTeamStack("preview", "--stack", "prod");

        Assert.True(code == 0, errors);
        // Prod's cost guard has a $50 budget (monthlyBudgetUsd); its provisioned concurrency alone costs more.
        Assert.Matches(@"\nBudget cost-budget: \$50\.00 a month; the estimate is \$[0-9.,]+ over it, so its forecast alert will fire\n", output);
        Assert.DoesNotContain("\nBudget ", RunTeamStack("preview", "--stack", "dev").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_traffic_value_names_the_key_the_value_and_the_allowed_range()
    {
        _project.WriteStackFile("dev", new Dictionary<string, string> { ["alarmEmail"] = "ops@example.com", ["trafficRequestsPerDay"] = "-5", ["trafficPeakFactor"] = "0.5" });

        var (code, output, errors) = _project.Run(MyStack.Define, null, "preview", "--stack", "dev");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output);
        Assert.Contains("config key 'team:trafficRequestsPerDay' has value '-5': expected an integer from 0 to 1000000000", errors, StringComparison.Ordinal);
        Assert.Contains("config key 'team:trafficPeakFactor' has value '0.5': expected a number from 1 to 1000", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Traffic_keys_in_a_stack_file_do_not_break_synth()
    {
        _project.WriteStackFile("dev", new Dictionary<string, string> { ["alarmEmail"] = "ops@example.com", ["trafficRequestsPerDay"] = "500" });

        var (code, output, errors) = _project.Run(MyStack.Define, null, "synth", "--stack", "dev");

        Assert.True(code == 0, errors);
        Assert.Contains("type: aws:lambda/function:Function", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Measurements_from_serve_replace_the_configured_durations_and_say_so()
    {
        _project.WriteStackFile("dev", new Dictionary<string, string> { ["alarmEmail"] = "ops@example.com", ["trafficDurationMs"] = "500" });
        var file = Measurements.PathFor(_project.Root, "dev");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            functions = new Dictionary<string, object> { ["embed"] = new { invocations = 250, p50DurationMs = 21.5, p95DurationMs = 40.1, maxMemoryMb = 410, measuredAt = "2026-11-27T20:00:00Z" } },
        }));

        var (code, output, errors) = _project.Run(MyStack.Define, null, "preview", "--stack", "dev");

        Assert.True(code == 0, errors);
        Assert.Contains("embed/function (api, 2048 MB x86_64): 21.5 ms average, 40.1 ms p95, measured by serve: p50 and p95 of 250 local invocations (2026-11-27T20:00:00Z)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No local measurements", output, StringComparison.Ordinal);
        // The duration line bills the measured p50: 10,000 requests a day × 21.5 ms × 2 GB.
        Assert.Contains($"{10_000 * 730 / 24.0 * 0.0215 * 2:N0} GB-s", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_measurements_are_an_error_naming_the_file()
    {
        _project.WriteStackFile("dev", new Dictionary<string, string> { ["alarmEmail"] = "ops@example.com" });
        var file = Measurements.PathFor(_project.Root, "dev");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, """{"functions": {"embed": {"invocations": 0, "p50DurationMs": 1, "p95DurationMs": 2}}}""");

        var (code, _, errors) = _project.Run(MyStack.Define, null, "preview", "--stack", "dev");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains(file, errors, StringComparison.Ordinal);
        Assert.Contains("function 'embed' needs invocations > 0", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_errors_are_printed_with_the_plan_and_cost_and_fail_the_preview()
    {
        static IDictionary<string, object?> Define(StackContext context)
        {
            var bare = new Infra.Aws.S3.Bucket(context.Stack, "bare", new Infra.Aws.S3.BucketArgs());
            context.Stack.SuppressPolicy(bare, "S3-TLS-ONLY", "reached only through a VPC endpoint that requires TLS");
            return new Dictionary<string, object?>();
        }

        var (code, output, errors) = _project.Run(Define, null, "preview", "--stack", "dev");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("\nPolicy: 2 error(s), 0 warning(s), 1 suppressed\n", output, StringComparison.Ordinal);
        Assert.Contains("  error: S3-ENCRYPTION on 'bare': ", output, StringComparison.Ordinal);
        Assert.Contains("  error: S3-PUBLIC-ACCESS on 'bare': ", output, StringComparison.Ordinal);
        Assert.Contains("  suppressed: S3-TLS-ONLY on 'bare': reached only through a VPC endpoint that requires TLS", output, StringComparison.Ordinal);
        Assert.Contains("\nMonthly cost estimate: $", output, StringComparison.Ordinal);
        Assert.Contains("error: the stack violates 2 policy rule(s); see Policy above", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diagram_file_must_be_svg_or_png()
    {
        var (code, _, errors) = RunTeamStack("preview", "--stack", "dev", "--diagram", "out.pdf");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--diagram 'out.pdf': the file must end in .svg or .png, not '.pdf'", errors, StringComparison.Ordinal);
    }
}
