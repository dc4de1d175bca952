using Infra.Core;
using Infra.Hosting;
using Infra.Local;
using Microsoft.Playwright;

namespace Local.Tests;

/// <summary>The try-it page at <c>/</c> in real headless Chromium (Debian's), driven by Playwright.</summary>
public sealed class PageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task The_page_sends_a_chosen_photo_with_the_key_and_shows_the_embedding_latency_and_cold_or_warm()
    {
        // CI installs chromium (.ci/run); elsewhere the test says what it needs.
        var inCi = Environment.GetEnvironmentVariable("CI") == "true";
        Skip.If(!inCi && !File.Exists(Chromium), $"needs Debian's chromium at {Chromium} (apt-get install -y chromium); .ci/run installs it");

        var photo = new SamplePhoto(ProjectLayout.Find(TestStacks.RepositoryRoot), TextWriter.Null).Ensure();
        Assert.NotNull(photo);
        var stack = TestStacks.RunningTheBuiltFunction(TestStacks.RestApi(modelName: "resnet18", function: f => f with
        {
            Memory = DataSize.FromMebibytes(2048),
            Environment = new Dictionary<string, Input<string>> { ["ORT_INTRA_OP_THREADS"] = "1" },
        }));
        await using var serve = await LocalServe.StartAsync(stack, new ServeSettings(0, 1, TimeSpan.FromMinutes(5), null, photo), TextWriter.Null);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(serve.Front.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#api option")).ToHaveTextAsync("embed (RestInferenceApi) - resnet18");
        await page.FillAsync("#key", serve.Keys["embed"]["acme"]);
        await page.SetInputFilesAsync("#file", photo);
        await page.ClickAsync("#send");
        var result = page.Locator("#result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-status", "200", new() { Timeout = 60_000 });
        var first = await result.InnerTextAsync();
        await page.ClickAsync("#send");
        await Assertions.Expect(result).ToContainTextAsync("warm", new() { Timeout = 30_000 });
        var second = await result.InnerTextAsync();

        Assert.Matches(@"^HTTP 200 in \d+ ms \(cold start, instance embed#1\)", first);
        Assert.Contains("embedding of length 512: [", first, StringComparison.Ordinal);
        Assert.Matches(@"^HTTP 200 in \d+ ms \(warm, instance embed#1\)", second);
    }

    [SkippableFact]
    public async Task Without_the_key_the_page_shows_the_gateways_403()
    {
        var inCi = Environment.GetEnvironmentVariable("CI") == "true";
        Skip.If(!inCi && !File.Exists(Chromium), $"needs Debian's chromium at {Chromium} (apt-get install -y chromium); .ci/run installs it");

        var photo = new SamplePhoto(ProjectLayout.Find(TestStacks.RepositoryRoot), TextWriter.Null).Ensure();
        Assert.NotNull(photo);
        var function = new FakeFunction();
        await using var host = await GatewayHost.StartAsync(TestStacks.RestApi(), function);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(host.Client.BaseAddress!.ToString());
        await page.SetInputFilesAsync("#file", photo);
        await page.ClickAsync("#send");

        await Assertions.Expect(page.Locator("#result")).ToHaveAttributeAsync("data-status", "403");
        Assert.Contains("error: Forbidden (INVALID_API_KEY)", await page.Locator("#result").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(function.Events);
    }
}
