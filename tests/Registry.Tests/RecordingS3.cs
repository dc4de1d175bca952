using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;

namespace Registry.Tests;

/// <summary>An outgoing S3 request as it left the SDK: method, URL and every header (content headers included).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    public bool HasQuery(string parameter) => Uri.Query.TrimStart('?').Split('&').Any(p => p.Split('=')[0] == parameter);
}

/// <summary>
/// A real S3 client for the local stand-in whose HTTP requests are recorded on their way out: fauxqs accepts
/// the encryption headers but does not echo them, so the tests assert on what was sent.
/// </summary>
public static class RecordingS3
{
    public static AmazonS3Client Create(string endpoint, ConcurrentQueue<RecordedRequest> log) =>
        new(new BasicAWSCredentials("local", "local"), new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new Factory(log),
        });

    private sealed class Factory(ConcurrentQueue<RecordedRequest> log) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Recorder(log, new HttpClientHandler()));

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }

    private sealed class Recorder(ConcurrentQueue<RecordedRequest> log, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
            log.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, headers));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
