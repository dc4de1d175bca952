using System.Text.Json.Nodes;

namespace AwsSemantics.Tests.Catalog;

/// <summary>The IAM catalog check on small programs: one mistake each that IAM itself would accept silently.</summary>
public class PolicyCatalogFixtureTests
{
    private static readonly IReadOnlyList<CatalogFinding> BrokenFindings = PolicyCatalogCheck.Check(Load("broken-policies.json"), Literal);

    [Theory]
    [InlineData("misspelt-action", "action 's3:GetObjekt' matches no action of service 's3'")]
    [InlineData("wildcard-matching-nothing", "action 'dynamodb:Scann*' matches no action of service 'dynamodb'")]
    [InlineData("wrong-condition-key", "condition key 's3:x-amz-server-side-encryption-kms-key-id' does not exist")]
    [InlineData("wrong-resource-type", "action 's3:ListBucket' applies to resource types")]
    [InlineData("wrong-resource-type", "resource 'arn:aws:s3:::input-bucket/*' is an ARN of no resource type")]
    [InlineData("action-without-resource-types-on-an-arn", "action 'xray:PutTraceSegments' has no resource types, so only \"Resource\": \"*\" grants it")]
    [InlineData("uploads-policy", "condition key 'aws:SourceArns' does not exist")]
    public void Each_broken_policy_is_found(string resource, string problem)
    {
        Assert.Contains(BrokenFindings, f => (f.Where.StartsWith(resource + ".", StringComparison.Ordinal) || f.Where.StartsWith(resource + " ", StringComparison.Ordinal)) && f.Problem.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_broken_policies_have_no_other_findings()
    {
        // One finding per mistake, two where an ARN does not fit its action (the action, and the ARN): nothing else is flagged.
        Assert.True(BrokenFindings.Count == 8, string.Join(Environment.NewLine, BrokenFindings));
    }

    [Fact]
    public void Valid_policies_with_wildcards_qualified_arns_paths_and_variable_condition_keys_pass()
    {
        var findings = PolicyCatalogCheck.Check(Load("valid-policies.json"), Literal);

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void A_resource_that_cannot_be_resolved_is_a_finding_not_a_pass()
    {
        var findings = PolicyCatalogCheck.Check(Load("valid-policies.json"), text => text.Contains("input-bucket", StringComparison.Ordinal) ? null : text);

        Assert.Contains(findings, f => f.Problem.Contains("cannot be resolved", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("arn:aws:s3:::bucket/incoming/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", true)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}", false)]
    [InlineData("arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/x:*", "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}", true)]
    [InlineData("arn:aws:lambda:eu-west-1:1:function:x:live", "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}", false)]
    [InlineData("arn:aws:lambda:eu-west-1:1:function:x:live", "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}", true)]
    [InlineData("arn:aws:sqs:*:*:uploads", "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}", true)]
    [InlineData("arn:aws:sqs:eu-west-1:1:uploads", "arn:${Partition}:sns:${Region}:${Account}:${TopicName}", false)]
    public void An_arn_matches_a_documented_format_only_where_some_resource_could_match_both(string arn, string format, bool expected)
    {
        Assert.Equal(expected, ArnFormat.CanMatch(arn, format));
    }

    private static string? Literal(string text) => text;

    internal static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Catalog", "Fixtures", name)))!.AsObject();
}
