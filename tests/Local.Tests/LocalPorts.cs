using System.Net;
using System.Net.Sockets;

namespace Local.Tests;

/// <summary>Ports for the stand-ins: the one .ci/run started (its endpoint variable), or a free one to start it on.</summary>
internal static class LocalPorts
{
    public static int For(string endpointVariable)
    {
        if (Environment.GetEnvironmentVariable(endpointVariable) is { Length: > 0 } endpoint)
        {
            // DYNAMODB_LOCAL_ENDPOINT and FAUXQS_ENDPOINT are URLs, REDIS_ENDPOINT is host:port.
            return endpoint.Contains("://", StringComparison.Ordinal) ? new Uri(endpoint).Port : int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return Free();
    }

    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
