using System.Net;
using System.Net.Sockets;

namespace Infra.Local;

/// <summary>Free ports on 127.0.0.1, for a service whose address must be known before it starts.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
