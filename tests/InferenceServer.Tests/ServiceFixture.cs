using Inference.Service;
using InferenceServer;
using InferenceServer.Tests;

// The linked protocol tests (Inference.Tests' files) name Inference.Tests.ServiceFixture and ServiceCollection; here they
// are the Kestrel server on a free loopback port, over both bundled models, with the service Inference.Tests uses.
namespace Inference.Tests;

/// <summary>One server over both bundled models for the whole test run: ResNet18 loads once.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private ModelService _models = null!;
    private ServerApplication _server = null!;
    private HttpClient _client = null!;

    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public StringWriter Log { get; } = new();

    public HttpService Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _models = await InferenceServiceFactory.CreateAsync(new InferenceOptions { ModelDirectory = ModelsDirectory, IntraOpThreads = 2 }, TextWriter.Synchronized(Log));
        _server = await ServerApplication.StartAsync(ServerFixtures.Loopback(), CancellationToken.None);
        _server.State.MarkReady(_models);
        _client = new HttpClient { BaseAddress = _server.Address };
        Service = new HttpService(_client, _models.Models);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _models.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
