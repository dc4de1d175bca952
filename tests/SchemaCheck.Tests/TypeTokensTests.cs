using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Tests;

public class TypeTokensTests
{
    private static readonly SourceMark Mark = new(3, 11);

    [Theory]
    [InlineData("aws:s3:Bucket", "aws.s3.Bucket")]
    [InlineData("aws:s3/bucket:Bucket", "aws.s3.Bucket")]
    [InlineData("aws:index:Provider", "aws.Provider")]
    [InlineData("aws:Provider", "aws.Provider")]
    [InlineData("pulumi:providers:aws", "aws.Provider")]
    [InlineData("awsx:ecr:Image", "awsx.ecr.Image")]
    public void Resource_tokens_map_to_the_sdk_class(string token, string path)
    {
        Assert.Equal(path, TypeTokens.Resource(token, Mark).TypeScriptPath);
    }

    [Theory]
    [InlineData("aws:getCallerIdentity", "aws.getCallerIdentityOutput")]
    [InlineData("aws:index/getRegion:getRegion", "aws.getRegionOutput")]
    [InlineData("aws:iam:getPolicyDocument", "aws.iam.getPolicyDocumentOutput")]
    public void Function_tokens_map_to_the_output_form_of_the_sdk_function(string token, string path)
    {
        Assert.Equal(path, TypeTokens.Function(token, Mark).TypeScriptPath);
    }

    [Theory]
    [InlineData("aws:s3:Bucket", "aws:s3/bucket:Bucket", true)]
    [InlineData("aws:s3/bucket:Bucket", "aws:s3/bucket:Bucket", true)]
    [InlineData("aws:s3/buckt:Bucket", "aws:s3/bucket:Bucket", false)]
    [InlineData("aws:wafv2:WebAcl", "aws:wafv2/webAcl:WebAcl", true)]
    [InlineData("awsx:ecr:Image", "awsx:ecr:Image", true)]
    public void A_token_accepts_the_canonical_tokens_pulumi_yaml_would_resolve_it_to(string token, string canonical, bool accepted)
    {
        Assert.Equal(accepted, TypeTokens.Resource(token, Mark).Accepts(canonical));
    }

    [Fact]
    public void Two_part_function_tokens_resolve_through_the_index_module()
    {
        Assert.True(TypeTokens.Function("aws:getRegion", Mark).Accepts("aws:index/getRegion:getRegion"));
    }

    [Theory]
    [InlineData("random:index:RandomString", "package 'random'")]
    [InlineData("Bucket", "invalid resource type token")]
    [InlineData("aws:s3:x:Bucket", "invalid resource type token")]
    public void Tokens_that_cannot_be_checked_are_rejected_at_their_place(string token, string reason)
    {
        var error = Assert.Throws<ProgramFormatException>(() => TypeTokens.Resource(token, Mark));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(Mark, error.Mark);
    }
}
