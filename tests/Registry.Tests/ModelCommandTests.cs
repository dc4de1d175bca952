using Amazon.S3;

namespace Registry.Tests;

/// <summary>The <c>model</c> verb's usage and input errors, which are found before any S3 call.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly RegistryHost _host = new(_ => throw new InvalidOperationException("no S3 client may be created for this command line"));
    private readonly RegistryHost _unreachable = new(_ => new AmazonS3Client(new Amazon.Runtime.AnonymousAWSCredentials(),
        new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }));

    public void Dispose()
    {
        _host.Dispose();
        _unreachable.Dispose();
    }

    [Theory]
    [InlineData("model")]
    [InlineData("model", "publish", "m", "1.0.0")]
    [InlineData("model", "push", "m", "1.0.0")]
    [InlineData("model", "show", "m")]
    [InlineData("model", "verify", "m", "1.0.0", "extra")]
    [InlineData("model", "list", "a", "b")]
    public void A_wrong_sub_command_or_argument_count_is_a_usage_error(params string[] args)
    {
        var (code, _, error) = _host.Run(args);

        Assert.Equal(2, code);
        Assert.Contains("model needs a sub-command (push, list, show, verify)", error, StringComparison.Ordinal);
        Assert.Contains("usage: model push <name> <version> <model.onnx>", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_of_another_sub_command_is_a_usage_error()
    {
        var (code, _, error) = _host.Run("model", "list", "--kms-key", "k", "--bucket", "b");

        Assert.Equal(2, code);
        Assert.Contains("model list does not accept --kms-key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_refused_by_the_host()
    {
        var (code, _, error) = _host.Run("model", "list", "--bukket", "b");

        Assert.Equal(2, code);
        Assert.Contains("model does not accept --bukket", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show", "ppocr-cls", "2.0", "version '2.0' of model 'ppocr-cls' is invalid: expected a semantic version")]
    [InlineData("verify", "ppocr-cls", "v2.0.0", "version 'v2.0.0' of model 'ppocr-cls' is invalid")]
    [InlineData("show", "../etc", "1.0.0", "model name '../etc' is invalid")]
    public void A_bad_name_or_version_fails_naming_it(string verb, string name, string version, string message)
    {
        var (code, _, error) = _unreachable.Run("model", verb, name, version, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pushing_a_missing_file_fails_naming_it()
    {
        var missing = Path.Combine(_host.Directory, "nope.onnx");

        var (code, _, error) = _unreachable.Run("model", "push", "ppocr-cls", "2.0.0", missing, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains($"model file '{missing}' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_config_the_model_json_next_to_the_file_is_used_and_its_absence_is_named()
    {
        var onnx = Path.Combine(_host.Directory, "model.onnx");
        File.Copy(TestModels.OnnxFile, onnx);

        var (code, _, error) = _unreachable.Run("model", "push", "ppocr-cls", "2.0.0", onnx, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains($"model config '{Path.Combine(_host.Directory, "model.json")}' does not exist: pass --config", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other", "2.0.0", "declares name 'ppocr-cls' and version '2.0.0', but the push names 'other' '2.0.0'")]
    [InlineData("ppocr-cls", "2.0.1", "declares name 'ppocr-cls' and version '2.0.0', but the push names 'ppocr-cls' '2.0.1'")]
    public void A_push_whose_name_or_version_disagrees_with_model_json_is_refused(string name, string version, string message)
    {
        var (code, _, error) = _unreachable.Run("model", "push", name, version, TestModels.OnnxFile, "--config", TestModels.ConfigFile, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_whose_sha256_differs_from_model_json_is_refused()
    {
        var other = Path.Combine(_host.Directory, "other.onnx");
        File.WriteAllBytes(other, new byte[TestModels.SizeBytes]);

        var (code, _, error) = _unreachable.Run("model", "push", "ppocr-cls", "2.0.0", other, "--config", TestModels.ConfigFile, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains($"declares sha256 {TestModels.Sha256} but '{other}' has sha256", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_model_json_is_refused_with_the_validators_message()
    {
        var config = TestModels.WriteConfig(_host.Directory, c => c["outputs"] = new System.Text.Json.Nodes.JsonArray());

        var (code, _, error) = _unreachable.Run("model", "push", "ppocr-cls", "2.0.0", TestModels.OnnxFile, "--config", config, "--bucket", "b");

        Assert.Equal(1, code);
        Assert.Contains("field 'outputs' has value []; allowed: at least one tensor", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_bucket_or_config_it_says_how_to_name_the_bucket()
    {
        var (code, _, error) = _host.Run("model", "list", "--stack", "prod");

        Assert.Equal(1, code);
        Assert.Contains($"no models bucket: pass --bucket, or set config key '{RegistryHost.Project}:modelBucket' of stack 'prod'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_that_is_not_a_url_is_refused()
    {
        var (code, _, error) = _host.Run("model", "list", "--bucket", "b", "--endpoint", "localhost:4576");

        Assert.Equal(1, code);
        Assert.Contains("endpoint 'localhost:4576' (from --endpoint) is invalid: expected an http:// or https:// URL", error, StringComparison.Ordinal);
    }
}
