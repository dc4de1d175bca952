using Infra.Aws.Iam;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Policy;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

/// <summary>
/// <see cref="PolicyStatement"/> is the one typed statement: components write their policies with
/// it and the rules read every document back into it.
/// </summary>
public class PolicyStatementTests
{
    private static IReadOnlyList<PolicyStatement> WrittenAndReadBack(params PolicyStatement[] statements)
    {
        var stack = NewStack();
        var bucket = new Bucket(stack, "data", new BucketArgs());
        var policy = new BucketPolicy(stack, "policy", new BucketPolicyArgs
        {
            Bucket = bucket.BucketName,
            Policy = Output.JsonSerialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements }),
        });
        var graph = new ResourceGraph(stack);
        return PolicyDocument.Read(graph.Input(policy, "policy")) ?? throw new InvalidOperationException("the written policy could not be read");
    }

    [Fact]
    public void A_statement_a_component_writes_reads_back_as_the_same_statement()
    {
        var written = new PolicyStatement
        {
            Sid = "DenyPlainHttp",
            Effect = "Deny",
            Principals = [PolicyPrincipal.Everyone],
            Action = IamValues.One("s3:*"),
            Resource = IamValues.List(["arn:aws:s3:::data", "arn:aws:s3:::data/*"]),
            Conditions = [new PolicyCondition("Bool", "aws:SecureTransport", "false"), new PolicyCondition("Null", "s3:x-amz-server-side-encryption", "false")],
        };

        var read = Assert.Single(WrittenAndReadBack(written));

        Assert.True(ProgramValueComparer.Equal(written.ToProgramValue(), read.ToProgramValue()), "the statement read back renders differently");
        Assert.Equal("DenyPlainHttp", read.Sid);
        Assert.False(read.IsAllow);
        Assert.Contains(read.Principals, p => p.IsEveryone);
        Assert.Equal(["s3:*"], read.ActionNames);
        Assert.Equal(2, read.Resources.Count);
        Assert.True(read.HasCondition("aws:SecureTransport"));
        Assert.Equal(["Bool", "Null"], read.Conditions.Select(c => c.Operator).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_element_keeps_the_form_it_was_written_in()
    {
        // IAM reads "a" and ["a"] alike, but the synthesized program must not change when code is refactored.
        var statement = new PolicyStatement
        {
            Principals = [PolicyPrincipal.Services(["lambda.amazonaws.com"])],
            Action = IamValues.List(["sts:AssumeRole"]),
            Resource = IamValues.One("*"),
            Conditions = [new PolicyCondition("StringLike", "s3:prefix", IamValues.List(["models/*"]))],
        };

        var map = Assert.IsType<MapValue>(statement.ToProgramValue());

        Assert.IsType<ListValue>(map.Entries["Action"]);
        Assert.IsType<LiteralValue>(map.Entries["Resource"]);
        Assert.IsType<ListValue>(Assert.IsType<MapValue>(map.Entries["Principal"]).Entries["Service"]);
        Assert.IsType<ListValue>(Assert.IsType<MapValue>(Assert.IsType<MapValue>(map.Entries["Condition"]).Entries["StringLike"]).Entries["s3:prefix"]);
        Assert.False(map.Entries.ContainsKey("Sid"));
        Assert.Equal(new LiteralValue("Allow"), map.Entries["Effect"]);
    }

    [Fact]
    public void Everyone_is_written_as_a_bare_star()
    {
        var map = Assert.IsType<MapValue>(new PolicyStatement { Principals = [PolicyPrincipal.Everyone], Action = IamValues.One("s3:GetObject") }.ToProgramValue());

        Assert.Equal(new LiteralValue("*"), map.Entries["Principal"]);
    }

    [Fact]
    public void A_not_action_statement_is_written_and_read_as_one()
    {
        var read = Assert.Single(WrittenAndReadBack(new PolicyStatement { Effect = "Deny", NotAction = true, Action = IamValues.List(["s3:GetObject"]), Resource = IamValues.One("*") }));

        Assert.True(read.NotAction);
        Assert.Equal(["s3:GetObject"], read.ActionNames);
    }
}
