using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferenceServer;

/// <summary>
/// Kestrel with the server's one request pipeline. SIGTERM (and Ctrl+C) stop it gracefully: it stops accepting
/// connections, lets the requests in flight finish for up to <see cref="ServerSettings.ShutdownTimeout"/>, then stops.
/// </summary>
internal sealed class ServerApplication : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerApplication(WebApplication app, ServiceState state)
    {
        _app = app;
        State = state;
    }

    public ServiceState State { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:8080.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Cancelled when shutdown begins (SIGTERM, or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public static async Task<ServerApplication> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(settings.BindAddress, settings.Port);
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = HttpExchange.DrainLimit(settings.MaxBodyBytes);
        });
        // The server writes its own JSON lines (ServerLog) and the library its request lines; no framework chatter on stdout.
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout);
        var app = builder.Build();
        var state = new ServiceState();
        var pipeline = new RequestPipeline(settings, state);
        app.Run(pipeline.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerApplication(app, state) { Address = new Uri(url) };
    }

    /// <summary>Completes once the server has stopped after SIGTERM or <see cref="StopAsync"/>, requests in flight drained.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
