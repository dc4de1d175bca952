using Amazon.Runtime;
using Inference.GpuEndpoint;

namespace Inference.Tests.GpuEndpoint;

/// <summary>The signer and the test's own verifier against AWS's SigV4 test suite (get-vanilla, post-vanilla: example.amazonaws.com, us-east-1, service "service", 2015-08-30T12:36:00Z).</summary>
public sealed class SigV4SignerTests
{
    private const string GetVanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const string PostVanilla = "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b";
    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("GET", GetVanilla)]
    [InlineData("POST", PostVanilla)]
    public void The_signer_gives_the_test_suites_signature(string method, string signature)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), "https://example.amazonaws.com/");

        SigV4Signer.Sign(message, [], new ImmutableCredentials(SigV4Verifier.AccessKey, SigV4Verifier.SecretKey, null), "us-east-1", "service", SignedAt);

        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}",
            message.Headers.GetValues("Authorization").Single());
        Assert.Equal("20150830T123600Z", message.Headers.GetValues("X-Amz-Date").Single());
    }

    [Theory]
    [InlineData("GET", GetVanilla)]
    [InlineData("POST", PostVanilla)]
    public void The_verifier_gives_the_test_suites_signature(string method, string signature) =>
        Assert.Equal(signature, SigV4Verifier.Signature(method, "/",
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")], [], "20150830T123600Z", "us-east-1", "service"));

    [Fact]
    public void Temporary_credentials_sign_their_session_token_and_the_verifier_accepts_the_request_only_with_the_right_secret()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/gpu/invocations");
        message.Headers.TryAddWithoutValidation("X-Amzn-SageMaker-Custom-Attributes", "method=POST;route=/v2/models/m/infer");
        byte[] body = [1, 2, 3];

        SigV4Signer.Sign(message, body, new ImmutableCredentials(SigV4Verifier.AccessKey, SigV4Verifier.SecretKey, "session-token"), "eu-west-1", "sagemaker", SignedAt);

        Assert.Equal("session-token", message.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token;x-amzn-sagemaker-custom-attributes,", message.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        Assert.Null(SigV4Verifier.Verify(message, body, "eu-west-1", "sagemaker"));
        Assert.NotNull(SigV4Verifier.Verify(message, body, "eu-west-1", "sagemaker", secretKey: "another-secret"));
        Assert.NotNull(SigV4Verifier.Verify(message, [1, 2, 4], "eu-west-1", "sagemaker"));
    }
}
