using Infra.Aws.Iam;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class OutputTests
{
    [Fact]
    public void A_typed_output_renders_as_a_reference_to_the_provider_property()
    {
        var stack = new Stack("proj", "dev");
        var role = new Role(stack, "fn-role", new RoleArgs { AssumeRolePolicy = "{}" });
        new RolePolicy(stack, "fn-policy", new RolePolicyArgs { Role = role.RoleName, Policy = "{}" });
        new Function(stack, "fn", new FunctionArgs { Role = role.Arn });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${fn-role.arn}", template.Property("fn", "role"));
        Assert.Equal("${fn-role.name}", template.Property("fn-policy", "role"));
    }

    [Fact]
    public void Interpolation_mixes_text_outputs_and_invariant_formatted_values()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        var ratio = 0.5;

        var value = Output.Format($"arn:{bucket.Arn}/*?r={ratio}&on={true}");
        new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = bucket.BucketName, Policy = value });

        Assert.Equal("arn:${data.arn}/*?r=0.5&on=true", StackTemplate.FromStack(stack).Property("policy", "policy"));
    }

    [Fact]
    public void A_string_that_is_exactly_one_output_stays_a_plain_reference()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = Output.Format($"{bucket.BucketName}"), Policy = "{}" });

        Assert.Equal("${data.bucket}", StackTemplate.FromStack(stack).Property("policy", "bucket"));
    }

    [Fact]
    public void Literal_dollars_are_escaped_so_the_engine_does_not_interpolate_them()
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "data", new BucketArgs { BucketPrefix = "cost$${aws:username}" });

        Assert.Equal("cost$$$${aws:username}", StackTemplate.FromStack(stack).Property("data", "bucketPrefix"));
    }

    [Fact]
    public void Nested_properties_and_indexes_extend_the_reference_path()
    {
        var stack = new Stack("proj", "dev");
        var fn = new Function(stack, "fn", new FunctionArgs { Role = "arn:role" });

        var variables = fn.GetOutput<object>("environment").GetProperty<string>("variables").GetProperty<string>("[\"MODEL\"]");
        new Bucket(stack, "data", new BucketArgs { BucketPrefix = variables });

        Assert.Equal("${fn.environment.variables[\"MODEL\"]}", StackTemplate.FromStack(stack).Property("data", "bucketPrefix"));
    }

    [Fact]
    public void Reading_an_output_as_text_fails_with_advice_instead_of_rendering_garbage()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());

        var error = Assert.Throws<InvalidOperationException>(() => $"{bucket.Arn}");

        Assert.Contains("Output.Format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_json_and_join_use_the_yaml_builtins()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        stack.Export("secretArn", Output.CreateSecret(bucket.Arn));
        stack.Export("doc", Output.JsonSerialize(new { Version = "2012-10-17", Resource = bucket.Arn }));
        stack.Export("joined", Output.Join(",", [bucket.Arn, "x"]));

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${data.arn}", template.At("outputs", "secretArn", "fn::secret"));
        Assert.Equal("${data.arn}", template.At("outputs", "doc", "fn::toJSON", "Resource"));
        Assert.Equal("2012-10-17", template.At("outputs", "doc", "fn::toJSON", "Version"));
        Assert.Equal(",", template.At("outputs", "joined", "fn::join", 0));
        Assert.Equal("${data.arn}", template.At("outputs", "joined", "fn::join", 1, 0));
    }

    [Fact]
    public void Assets_and_archives_render_as_file_and_asset_archives()
    {
        var stack = new Stack("proj", "dev");
        new Function(stack, "zip", new FunctionArgs { Role = "r", Code = new FileArchive("../.build/function") });
        new Function(stack, "inline", new FunctionArgs
        {
            Role = "r",
            Code = new AssetArchive(new Dictionary<string, IProgramValueSource>
            {
                ["index.py"] = new StringAsset("print(1)"),
                ["model.onnx"] = new FileAsset("model.onnx"),
            }),
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("../.build/function", template.Property("zip", "code", "fn::fileArchive"));
        Assert.Equal("print(1)", template.Property("inline", "code", "fn::assetArchive", "index.py", "fn::stringAsset"));
        Assert.Equal("model.onnx", template.Property("inline", "code", "fn::assetArchive", "model.onnx", "fn::fileAsset"));
    }

    [Fact]
    public void Invokes_become_shared_variables_and_their_results_are_referenced()
    {
        var stack = new Stack("proj", "dev");
        var account = Infra.Aws.AwsContext.AccountId(stack);
        var again = Infra.Aws.AwsContext.AccountId(stack);
        new Bucket(stack, "a", new BucketArgs { BucketPrefix = Output.Format($"logs-{account}") });
        new Bucket(stack, "b", new BucketArgs { BucketPrefix = again });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("aws:getCallerIdentity", template.At("variables", "aws-caller-identity", "fn::invoke", "function"));
        Assert.Single((Infra.Core.Synthesis.OrderedMap)template.At("variables")!);
        Assert.Equal("logs-${aws-caller-identity.accountId}", template.Property("a", "bucketPrefix"));
        Assert.Equal("${aws-caller-identity.accountId}", template.Property("b", "bucketPrefix"));
    }

    [Fact]
    public void Policy_documents_can_come_from_the_getPolicyDocument_invoke()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs());
        var document = GetPolicyDocument.Invoke(stack, "read-data", new GetPolicyDocumentArgs
        {
            Statements = new[]
            {
                new GetPolicyDocumentStatementArgs { Effect = "Allow", Actions = new[] { "s3:GetObject" }, Resources = new Input<string>[] { Output.Format($"{bucket.Arn}/*") } },
            },
        });
        new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = bucket.BucketName, Policy = document });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("aws:iam:getPolicyDocument", template.At("variables", "read-data", "fn::invoke", "function"));
        Assert.Equal("json", template.At("variables", "read-data", "fn::invoke", "return"));
        Assert.Equal("${data.arn}/*", template.At("variables", "read-data", "fn::invoke", "arguments", "statements", 0, "resources", 0));
        Assert.Equal("${read-data}", template.Property("policy", "policy"));
    }

    [Fact]
    public void Secret_config_is_declared_for_the_engine_and_never_rendered_as_a_value()
    {
        var stack = new Stack("proj", "dev");
        var email = stack.ConfigReference<string>("alarmEmail", "string", secret: true);
        new Bucket(stack, "data", new BucketArgs { Tags = new InputMap<string> { ["owner"] = email } });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("string", template.At("config", "alarmEmail", "type"));
        Assert.Equal(true, template.At("config", "alarmEmail", "secret"));
        Assert.Equal("${alarmEmail}", template.Property("data", "tags", "owner"));
    }

    [Fact]
    public void Plain_values_and_the_engines_stack_and_project_names_render_as_expected()
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "data", new BucketArgs
        {
            BucketPrefix = Output.Format($"{Output.ProjectName}-{Output.StackName}-"),
            ForceDestroy = Output.Create(true),
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${pulumi.project}-${pulumi.stack}-", template.Property("data", "bucketPrefix"));
        Assert.Equal(true, template.Property("data", "forceDestroy"));
    }
}
