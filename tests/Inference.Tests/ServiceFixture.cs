using Inference.Service;

namespace Inference.Tests;

/// <summary>One service over both bundled models for the whole test run: ResNet18 loads once.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public StringWriter Log { get; } = new();

    public ModelService Service { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Service = await InferenceServiceFactory.CreateAsync(new InferenceOptions { ModelDirectory = ModelsDirectory, IntraOpThreads = 2 }, Log);

    public Task DisposeAsync()
    {
        Service.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
