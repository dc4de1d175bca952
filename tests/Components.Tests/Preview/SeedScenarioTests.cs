using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Preview;
using Infra.Core.Synthesis;

namespace Components.Tests.Preview;

/// <summary>
/// The seed's scenario: 10,000 predictions a day, p95 under 500 ms, a 100 MB model, under $50 a
/// month. The stack is the README's walkthrough (one REST API with WAF, keys, alarms, dashboard).
/// Every expected number is worked out here from the list prices, not read from the estimate.
/// </summary>
public sealed class SeedScenarioTests : IDisposable
{
    private const double RequestsPerMonth = 10_000 * 730 / 24.0;
    private const double Gb = 1024 * 1024 * 1024;

    private readonly TempProject _project = new("team");

    public SeedScenarioTests() => _project.PublishFunction(100L * 1024 * 1024, ".build/function/ready-to-run-linux-x64"); // MyStack's folder

    public void Dispose() => _project.Dispose();

    internal static readonly Dictionary<string, string> SeedConfig = new()
    {
        ["trafficRequestsPerDay"] = "10000",
        ["trafficDurationMs"] = "120",
        ["trafficP95DurationMs"] = "350",
        ["modelSizeMb"] = "100",
        ["trafficBatchObjectsPerDay"] = "0",
    };

    private CostEstimate Estimate()
    {
        var values = SeedConfig.ToDictionary(k => "team:" + k.Key, k => k.Value);
        values["team:alarmEmail"] = "ops@example.com";
        var config = new StackConfig("team", ConfigLoader.FromPulumiConfigJson(System.Text.Json.JsonSerializer.Serialize(values)));
        var stack = new Stack("team", "seed");
        MyStack.Define(new StackContext(stack, config, _project.Layout));
        var traffic = TrafficProfile.Read(config);
        config.ThrowIfInvalid();
        return new CostEstimator(new ProgramGraph(stack), traffic, Measurements.None).Estimate();
    }

    private static void Near(double expected, decimal actual) => Assert.Equal(expected, (double)actual, 6);

    [Fact]
    public void The_itemized_estimate_matches_the_list_prices_worked_by_hand()
    {
        var estimate = Estimate();

        // Lambda: 304,167 requests of 120 ms at 2 GB (the walkthrough's memoryMb default), x86.
        Near(RequestsPerMonth * 0.20 / 1e6, estimate.Lines.Single(l => l.Service == "Lambda" && l.Item == "requests").Monthly);
        Near(RequestsPerMonth * 0.120 * 2 * 0.0000166667, estimate.Lines.Single(l => l.Service == "Lambda" && l.Item == "duration").Monthly);
        Near(RequestsPerMonth * 3.50 / 1e6, estimate.ServiceTotal("API Gateway"));
        // WAF: the ACL, its five rules (rate limit, body size, three managed groups) and every request.
        Near(5 + 5 * 1 + RequestsPerMonth * 0.60 / 1e6, estimate.ServiceTotal("WAF"));
        // X-Ray: at 0.12 requests a second the default sampling (1 a second) records every one.
        Near(RequestsPerMonth * 5.00 / 1e6, estimate.ServiceTotal("X-Ray"));
        // KMS keys: the alarm topic's, the function's, the access logs', and the artifacts bucket's
        // (a 100 MB model makes the package too big for a direct upload).
        Near(4 * 1.00, estimate.ServiceTotal("KMS"));
        // CloudWatch: 9 alarm metrics (error rate 2, p95 1, throttles 1, cold starts 1, API 5xx 2, API 4xx 2),
        // one dashboard, and 1 KB of function log and 1 KB of access log per request, kept 30 days.
        var logGb = RequestsPerMonth * 1024 / Gb;
        Near(9 * 0.10 + 3.00 + 2 * (logGb * 0.50 + logGb * 30 / (730 / 24.0) * 0.03), estimate.ServiceTotal("CloudWatch"));
        // S3: the zipped package, model plus 11 MB of function.
        Near((100 + 11) / 1024.0 * 0.023, estimate.ServiceTotal("S3"));

        var expectedTotal = RequestsPerMonth * (0.20 + 3.50 + 0.60 + 5.00) / 1e6 + RequestsPerMonth * 0.240 * 0.0000166667
            + 10 + 4 + 9 * 0.10 + 3.00 + 2 * (logGb * 0.50 + logGb * 30 / (730 / 24.0) * 0.03) + 111 / 1024.0 * 0.023;
        Near(expectedTotal, estimate.Monthly);
        Assert.True(estimate.Monthly < 50m, $"the seed's target is under $50 a month; the estimate is {estimate.Monthly:0.00}");
        Near(expectedTotal / RequestsPerMonth * 1000, estimate.PerThousandPredictions);
    }

    [Fact]
    public void The_always_on_alternative_runs_two_fargate_tasks_with_the_functions_cpu_and_memory()
    {
        var estimate = Estimate();

        // 2 GB of Lambda is 1.16 vCPU: Fargate's 2 vCPU size with 4 GB. The busiest hour (3 × the
        // average rate) at the 350 ms p95 needs 0.12 tasks, so the two for availability suffice.
        var fargate = estimate.AlwaysOn.Lines.Single(l => l.Service == "Fargate");
        Assert.Equal("2 × 2 vCPU / 4 GB tasks, all month", fargate.Item);
        Near(2 * 730 * (2 * 0.04048 + 4 * 0.004445), fargate.Monthly);
        Near(730 * 0.0225, estimate.AlwaysOn.Lines.Single(l => l.Service == "Elastic Load Balancing").Monthly);
        Near((double)(estimate.Monthly - estimate.ServiceTotal("Lambda") - estimate.ServiceTotal("API Gateway")), estimate.AlwaysOn.Unchanged);
        Assert.True(estimate.AlwaysOn.Monthly > estimate.Monthly);
    }

    [Fact]
    public void Preview_prints_the_seed_estimate_and_says_the_durations_are_configured()
    {
        _project.WriteStackFile("seed", new Dictionary<string, string>(SeedConfig) { ["alarmEmail"] = "ops@example.com" });

        var (code, output, errors) = _project.Run(MyStack.Define, null, "preview", "--stack", "seed");

        Assert.True(code == 0, errors);
        Assert.Contains("embed/function (api, 2048 MB x86_64): 120 ms average, 350 ms p95, configured (trafficDurationMs, trafficP95DurationMs)", output, StringComparison.Ordinal);
        Assert.Contains("No local measurements (.build/serve/seed/measurements.json)", output, StringComparison.Ordinal);
        Assert.Contains($"Total: {Estimate().Monthly:$#,##0.00} a month for 304,167 predictions", output, StringComparison.Ordinal);

        // The README shows this estimate: it must be what preview prints today.
        var estimate = output[output.IndexOf("Monthly cost estimate:", StringComparison.Ordinal)..(output.IndexOf(" per 1,000 predictions\n", StringComparison.Ordinal) + 23)];
        var readme = File.ReadAllText(Path.Combine(TeamStackTests.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        Assert.True(readme.Contains(estimate, StringComparison.Ordinal), "README.md's seed estimate is stale; paste this:\n" + estimate);
    }
}
