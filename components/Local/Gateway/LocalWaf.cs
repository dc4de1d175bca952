using System.Net;
using Infra.Components;
using Infra.Local.StackReading;

namespace Infra.Local.Gateway;

/// <summary>
/// The web ACL's own rules, in its priority order: blocklist, allowlist, per-IP rate limit over its
/// window, body size. A blocked request gets the ACL's custom response (status and JSON body).
/// The AWS managed rule groups (common, known bad inputs, IP reputation) are not emulated.
/// </summary>
public sealed class LocalWaf(LocalWafRules rules, TimeProvider clock)
{
    private readonly Dictionary<IPAddress, Queue<long>> _requestsByAddress = [];
    private readonly Lock _gate = new();

    public int MaxBodyBytes => rules.MaxBodyBytes;

    /// <summary>The block for a request from <paramref name="address"/> with a body of <paramref name="contentLength"/> bytes (declared or read), or null to let it pass.</summary>
    public WafBlockResponse? Inspect(IPAddress address, long? contentLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (rules.Blocklist.Any(network => network.Contains(address)))
        {
            return rules.IpBlocked;
        }

        if (rules.Allowlist is { } allowed && !allowed.Any(network => network.Contains(address)))
        {
            return rules.IpNotAllowed;
        }

        if (!CountWithinRate(address))
        {
            return rules.RateLimited;
        }

        return contentLength > rules.MaxBodyBytes ? rules.BodyTooLarge : null;
    }

    // WAF counts every request from the address over the sliding window and blocks above the limit.
    private bool CountWithinRate(IPAddress address)
    {
        var now = clock.GetTimestamp();
        var window = TimeSpan.FromSeconds(rules.RateLimitWindowSeconds);
        lock (_gate)
        {
            if (!_requestsByAddress.TryGetValue(address, out var times))
            {
                times = new Queue<long>();
                _requestsByAddress[address] = times;
            }

            while (times.Count > 0 && clock.GetElapsedTime(times.Peek(), now) > window)
            {
                times.Dequeue();
            }

            times.Enqueue(now);
            return times.Count <= rules.RateLimitPerIp;
        }
    }
}
