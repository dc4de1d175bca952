using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;

namespace AwsSemantics.Tests.Capture;

/// <summary>Real SDK clients with default settings for the stack's region, whose HTTP goes to a <see cref="CapturingAwsHandler"/>.</summary>
public static class CapturingClients
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "capture-only");

    public static AmazonS3Client S3(CapturingAwsHandler handler, string region) =>
        new(Credentials, new AmazonS3Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region), HttpClientFactory = new Factory(handler) });

    public static AmazonDynamoDBClient DynamoDb(CapturingAwsHandler handler, string region) =>
        new(Credentials, new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region), HttpClientFactory = new Factory(handler) });

    private sealed class Factory(CapturingAwsHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
