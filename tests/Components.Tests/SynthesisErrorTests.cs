using Infra.Aws.Iam;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class SynthesisErrorTests
{
    private sealed class Pair : ComponentResource
    {
        public Pair(IScope scope, string name, string childName)
            : base("test:Pair", scope, name)
        {
            new Bucket(this, childName, new BucketArgs());
            new Bucket(this, childName, new BucketArgs());
        }
    }

    [Fact]
    public void A_duplicate_logical_name_names_the_component_and_both_types()
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new Pair(stack, "models", "bucket"));

        Assert.Contains("component 'models'", error.Message, StringComparison.Ordinal);
        Assert.Contains("duplicate logical name 'models-bucket'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Models")]
    [InlineData("models_bucket")]
    [InlineData("models.bucket")]
    [InlineData("-models")]
    [InlineData("models--bucket")]
    [InlineData("a-name-that-is-far-too-long-for-aws-once-pulumi-adds-its-suffix")]
    public void An_invalid_logical_name_is_refused_with_the_rule(string name)
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new Bucket(stack, name, new BucketArgs()));

        Assert.Contains($"invalid logical name '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("lower-case", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_shared_by_a_resource_and_a_variable_is_refused()
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "aws-region", new BucketArgs());

        var error = Assert.Throws<SynthesisException>(() => Infra.Aws.AwsContext.Region(stack));

        Assert.Contains("duplicate logical name 'aws-region'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_resource_of_another_program_is_caught_and_names_the_component()
    {
        var other = new Stack("proj", "other");
        var foreign = new Bucket(other, "foreign", new BucketArgs());
        var stack = new Stack("proj", "dev");
        var component = new TestComponent(stack, "api");
        new BucketPolicy(component, "policy", new BucketPolicyArgs { Bucket = foreign.BucketName, Policy = "{}" });

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Contains("component 'api': resource 'api-policy' references 'foreign', which is not in this stack's program", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_on_a_resource_of_another_program_is_caught()
    {
        var foreign = new Bucket(new Stack("proj", "other"), "foreign", new BucketArgs());
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "local", new BucketArgs(), new CustomResourceOptions { DependsOn = [foreign] });

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Contains("'local' references 'foreign'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_cycle_is_reported_with_its_path()
    {
        var stack = new Stack("proj", "dev");
        var component = new TestComponent(stack, "api");
        var roleArgs = new RoleArgs { AssumeRolePolicy = "{}" };
        var role = new Role(component, "role", roleArgs);
        var bucket = new Bucket(component, "bucket", new BucketArgs { BucketPrefix = role.RoleName });
        roleArgs.Description = bucket.BucketName; // closes the loop after both exist

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Contains("component 'api': dependency cycle: api-bucket -> api-role -> api-bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_through_depends_on_is_reported()
    {
        var stack = new Stack("proj", "dev");
        var a = new Bucket(stack, "a", new BucketArgs());
        var b = new Bucket(stack, "b", new BucketArgs { BucketPrefix = a.BucketName });
        a.Options.DependsOn.Add(b);

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Contains("dependency cycle: a -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_call_cannot_be_interpolated_into_a_string()
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "data", new BucketArgs { BucketPrefix = Output.Format($"x-{Output.JsonSerialize(new { A = 1 })}") });

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Contains("fn::toJSON call cannot be interpolated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exporting_an_output_twice_is_refused()
    {
        var stack = new Stack("proj", "dev");
        stack.Export("url", "a");

        Assert.Throws<SynthesisException>(() => stack.Export("url", "b"));
    }

    private sealed class TestComponent(IScope scope, string name) : ComponentResource("test:Component", scope, name);
}
