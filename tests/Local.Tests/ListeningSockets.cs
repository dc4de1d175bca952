using System.Globalization;
using System.Net;

namespace Local.Tests;

/// <summary>The addresses this machine's TCP sockets listen on for a port, read from Linux's /proc/net/tcp and tcp6.</summary>
internal static class ListeningSockets
{
    private const string Listen = "0A";

    public static IReadOnlyList<IPAddress> AddressesFor(int port) =>
        [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 3 && fields[0] != "sl" && fields[3] == Listen)
            .Select(fields => fields[1].Split(':'))
            .Where(local => int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            .Select(local => Address(local[0]))];

    /// <summary>Whether an address reaches this machine only from itself (127.0.0.0/8, ::1, or ::ffff:127.x.x.x).</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>The kernel prints the address as 32-bit words in host (little-endian) order.</summary>
    private static IPAddress Address(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPAddress(bytes);
    }
}
