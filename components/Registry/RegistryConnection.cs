using Amazon.S3;

namespace Infra.Registry;

/// <summary>
/// Where the registry's S3 client connects: AWS through the SDK's standard region and credential chain, or an
/// S3-compatible endpoint (a local stand-in) given by <c>--endpoint</c> or <c>AWS_ENDPOINT_URL_S3</c>.
/// </summary>
public sealed record RegistryConnection(string? Endpoint)
{
    public const string EndpointVariable = "AWS_ENDPOINT_URL_S3";

    public static RegistryConnection From(string? endpointOption, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var endpoint = endpointOption ?? environment(EndpointVariable);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new RegistryException($"endpoint '{endpoint}' (from {(endpointOption is null ? EndpointVariable : "--endpoint")}) is invalid: expected an http:// or https:// URL");
        }

        return new RegistryConnection(endpoint);
    }

    public IAmazonS3 CreateClient()
    {
        if (Endpoint is null)
        {
            return new AmazonS3Client();
        }

        // Local stand-ins serve buckets as paths, not as host names; the region only names the signing scope there.
        var config = new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true };
        config.AuthenticationRegion ??= Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? "us-east-1";
        return new AmazonS3Client(config);
    }
}
