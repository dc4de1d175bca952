using Infra.Aws.Iam;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Components.Tests;

/// <summary>The one walker over the program that synthesis, the policy rules and the preview share.</summary>
public class ProgramGraphTests
{
    [Fact]
    public void Edges_follow_references_through_variables_and_depends_on()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        var logs = new Bucket(stack, "logs", new BucketArgs());
        var document = GetPolicyDocument.Invoke(stack, "read-data", new GetPolicyDocumentArgs
        {
            Statements = [new GetPolicyDocumentStatementArgs { Actions = ["s3:GetObject"], Resources = [bucket.Arn] }],
        });
        var policy = new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = "literal-name", Policy = document }, new CustomResourceOptions { DependsOn = [logs] });

        var graph = new ProgramGraph(stack);

        Assert.Equal(
            [("data", "policy"), ("logs", "dependsOn")],
            graph.ReferencesFrom(policy).Select(e => (e.To.LogicalName, e.Property)).Order());
        Assert.Equal(["policy"], graph.ReferencesTo(bucket).Select(e => e.From.LogicalName));
        Assert.Empty(graph.ReferencesFrom(bucket));
    }

    [Fact]
    public void Symbols_read_by_a_resource_are_its_direct_references_and_its_dependencies()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        var document = GetPolicyDocument.Invoke(stack, "read-data", new GetPolicyDocumentArgs
        {
            Statements = [new GetPolicyDocumentStatementArgs { Actions = ["s3:GetObject"], Resources = [bucket.Arn] }],
        });
        var other = new Bucket(stack, "other", new BucketArgs());
        var policy = new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = other.BucketName, Policy = document }, new CustomResourceOptions { DependsOn = [bucket] });

        var graph = new ProgramGraph(stack);

        // The variable itself, not the bucket behind it: the validator reports cycles through variables by name.
        Assert.Equal(["data", "other", "read-data"], graph.SymbolsReadBy(policy).Select(s => s.Name).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Properties_are_the_inputs_as_emitted_with_the_scope_tags()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs { ForceDestroy = true });

        var properties = new ProgramGraph(stack).PropertiesOf(bucket);

        Assert.Equal(new LiteralValue(true), properties.Entries["forceDestroy"]);
        Assert.Equal(new LiteralValue("dev"), Assert.IsType<MapValue>(properties.Entries["tags"]).Entries["stack"]);
    }
}
