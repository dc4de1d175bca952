using System.Net;
using InferenceServer;

namespace InferenceServer.Tests;

internal static class ServerFixtures
{
    /// <summary>The server's defaults, on a free loopback port.</summary>
    public static ServerSettings Loopback() => new() { BindAddress = IPAddress.Loopback, Port = 0 };
}
