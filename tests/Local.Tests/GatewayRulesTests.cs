using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Infra.Components;
using Infra.Core;
using Infra.Local.Lambda;

namespace Local.Tests;

/// <summary>The local API Gateway and WAF rules, derived from the components' args, in front of a fake function.</summary>
public sealed class GatewayRulesTests
{
    [Fact]
    public async Task A_request_with_the_client_key_reaches_the_function()
    {
        var function = new FakeFunction();
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(), function);

        using var response = await host.GetHealthAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        Assert.Single(function.Events);
        Assert.Equal("embed#1", response.Headers.GetValues("X-Local-Instance").Single());
    }

    [Fact]
    public async Task A_missing_or_unknown_key_is_403_in_API_Gateways_shape_and_never_reaches_the_function()
    {
        var function = new FakeFunction();
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(), function);

        using var missing = await host.GetHealthAsync(client: null);
        using var wrongRequest = host.Request(HttpMethod.Get, "/v2/health/live", client: null);
        wrongRequest.Headers.Add("x-api-key", "not-a-key-of-this-api");
        using var wrong = await host.Client.SendAsync(wrongRequest);

        foreach (var response in new[] { missing, wrong })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await ErrorAsync(response);
            Assert.Equal("Forbidden", body.GetProperty("error").GetString());
            Assert.Equal("INVALID_API_KEY", body.GetProperty("code").GetString());
            Assert.Equal("ForbiddenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        }

        Assert.Empty(function.Events);
    }

    [Fact]
    public async Task A_path_or_method_without_a_route_is_403_Missing_Authentication_Token()
    {
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(), new FakeFunction());

        using var unknownPath = await host.Client.SendAsync(host.Request(HttpMethod.Get, "/v2/unknown"));
        using var wrongMethod = await host.Client.SendAsync(host.Request(HttpMethod.Delete, "/v2/health/live"));

        Assert.Equal("MISSING_AUTHENTICATION_TOKEN", (await ErrorAsync(unknownPath)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, wrongMethod.StatusCode);
    }

    [Fact]
    public async Task Over_the_usage_plan_quota_is_429_Limit_Exceeded()
    {
        var stack = TestStacks.RestApi(api: a => a with { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 2, QuotaPeriod = QuotaPeriod.Day, RateLimit = 100, BurstLimit = 100 }] });
        await using var host = await GatewayHost.StartAsync(stack, new FakeFunction());

        using var first = await host.GetHealthAsync();
        using var second = await host.GetHealthAsync();
        using var third = await host.GetHealthAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var body = await ErrorAsync(third);
        Assert.Equal("QUOTA_EXCEEDED", body.GetProperty("code").GetString());
        Assert.Equal("Limit Exceeded", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Over_the_usage_plans_rate_and_burst_is_429_Too_Many_Requests()
    {
        var stack = TestStacks.RestApi(api: a => a with { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 0.01, BurstLimit = 2 }] });
        await using var host = await GatewayHost.StartAsync(stack, new FakeFunction());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.GetHealthAsync();
            statuses.Add(response.StatusCode);
            if (i == 2)
            {
                Assert.Equal("THROTTLED", (await ErrorAsync(response)).GetProperty("code").GetString());
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Over_the_stage_throttle_is_429_for_every_client()
    {
        var stack = TestStacks.RestApi(api: a => a with
        {
            ThrottleRateLimit = 0.01,
            ThrottleBurstLimit = 1,
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 0.01, BurstLimit = 1 }],
            Clients = [new ApiClient("acme", "standard"), new ApiClient("zeta", "standard")],
        });
        await using var host = await GatewayHost.StartAsync(stack, new FakeFunction());

        // Each client has a token of its own plan left; the stage's single token is spent by the first.
        using var first = await host.GetHealthAsync("acme");
        using var second = await host.GetHealthAsync("zeta");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("stage throttle", host.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_WAF_limit_is_413_with_the_WAF_rules_response_declared_or_chunked()
    {
        var function = new FakeFunction();
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(waf: new WafArgs { MaxBody = DataSize.FromBytes(1024) }), function);

        using var declared = await host.Client.SendAsync(Image(host, new byte[2048]));
        using var chunkedRequest = Image(host, new byte[2048]);
        chunkedRequest.Content = new StreamContent(new MemoryStream(new byte[2048]));
        chunkedRequest.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await host.Client.SendAsync(chunkedRequest);
        using var small = await host.Client.SendAsync(Image(host, new byte[1024]));

        foreach (var response in new[] { declared, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var body = await ErrorAsync(response);
            Assert.Equal("body_too_large", body.GetProperty("code").GetString());
            Assert.Equal("The request body is larger than 1024 bytes.", body.GetProperty("error").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Single(function.Events);
    }

    [Fact]
    public async Task An_address_not_on_the_allowlist_is_403_and_a_listed_loopback_passes()
    {
        var outside = new WafArgs { Allowlist = new IpAddressList { Ipv4 = [(Input<string>)"203.0.113.0/24"] } };
        var listed = new WafArgs { Allowlist = new IpAddressList { Ipv4 = [(Input<string>)"203.0.113.0/24", (Input<string>)"127.0.0.1/32"] } };
        await using var refused = await GatewayHost.StartAsync(TestStacks.RestApi(waf: outside), new FakeFunction());
        await using var allowed = await GatewayHost.StartAsync(TestStacks.RestApi(waf: listed), new FakeFunction());

        using var blocked = await refused.GetHealthAsync();
        using var passed = await allowed.GetHealthAsync();

        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("ip_not_allowed", (await ErrorAsync(blocked)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
    }

    [Fact]
    public async Task More_requests_from_one_address_than_the_WAF_rate_limit_are_blocked_429()
    {
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(waf: new WafArgs { RateLimitPerIp = 10, RateLimitWindow = TimeSpan.FromSeconds(60) }), new FakeFunction());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await host.GetHealthAsync();
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(10), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
    }

    [Fact]
    public async Task A_throttled_Lambda_is_500_and_a_failed_one_502_as_a_proxy_integration_answers()
    {
        await using var throttled = await GatewayHost.StartAsync(TestStacks.RestApi(), new FakeFunction(InvocationOutcome.Throttled));
        await using var failed = await GatewayHost.StartAsync(TestStacks.RestApi(), new FakeFunction(InvocationOutcome.Failed, """{"errorType":"Boom"}"""));
        await using var malformed = await GatewayHost.StartAsync(TestStacks.RestApi(), new FakeFunction(response: """{"body":"no status"}"""));

        using var a = await throttled.GetHealthAsync();
        using var b = await failed.GetHealthAsync();
        using var c = await malformed.GetHealthAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, a.StatusCode);
        Assert.Equal("INTEGRATION_FAILURE", (await ErrorAsync(a)).GetProperty("code").GetString());
        Assert.Contains("TooManyRequestsException", throttled.Log.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, b.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, c.StatusCode);
        Assert.Contains("malformed Lambda proxy response", malformed.Log.ToString(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Image(GatewayHost host, byte[] body)
    {
        var request = host.Request(HttpMethod.Post, "/v2/models/ppocr-cls/predict");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return request;
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
