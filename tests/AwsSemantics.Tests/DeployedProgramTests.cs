using System.Text.Json.Nodes;
using AwsSemantics.Tests.Deployment;
using Infra.Testing.Access.Evaluation;
using Infra.Testing.Programs;

namespace AwsSemantics.Tests;

/// <summary>The team stacks as <c>pulumi up</c> deploys them, evaluated to concrete values.</summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class DeployedProgramTests(DeployedStacks deployed)
{
    public static TheoryData<string> StackNames => [.. global::Stacks.TeamStacks.Known];

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Zip_function_code_over_the_direct_upload_limit_goes_through_the_artifacts_bucket(string stack)
    {
        var deployedStack = deployed[stack];
        var outputs = deployedStack.Outputs;
        var uploads = deployedStack.ResourcesOfType("aws:s3/bucketObject:BucketObject").ToList();
        Assert.NotEmpty(uploads);
        var zipFunctions = deployedStack.ResourcesOfType("aws:lambda/function:Function")
            .Where(f => (string?)outputs.Inputs(f.Name)["packageType"] == "Zip").ToList();
        Assert.NotEmpty(zipFunctions);
        foreach (var function in zipFunctions)
        {
            var inputs = outputs.Inputs(function.Name);
            Assert.Null(inputs["code"]);
            var upload = uploads.SingleOrDefault(u => outputs.Output(u.Name, "key") == (string?)inputs["s3Key"]);
            Assert.True(upload is not null, $"{function.Name}: s3Key '{inputs["s3Key"]}' is no BucketObject's key");
            Assert.Equal(outputs.Output(upload.Name, "bucket"), (string?)inputs["s3Bucket"]);
            Assert.Equal(outputs.Output(upload.Name, "versionId"), (string?)inputs["s3ObjectVersion"]);
            var source = outputs.Inputs(upload.Name)["source"]!;
            Assert.Equal("fileArchive", (string?)source["asset"]);
            Assert.EndsWith(Infra.Local.FunctionBuild.OutputFromRoot, (string?)source["source"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Every_resource_and_output_evaluates_to_concrete_values(string stack)
    {
        foreach (var deployedStack in deployed.Stacks.Where(s => s.Name == stack))
        {
            foreach (var resource in deployedStack.Program.Resources)
            {
                AssertConcrete(deployedStack.Outputs.Outputs(resource.Name));
            }

            foreach (var output in deployedStack.Program.Outputs)
            {
                AssertConcrete(deployedStack.Outputs.Evaluate(output.Value));
            }
        }
    }

    /// <summary>No reference is left, only API Gateway's own <c>${stageVariables.x}</c> (written <c>$${...}</c> in the program).</summary>
    private static void AssertConcrete(JsonNode? value) =>
        Assert.DoesNotMatch(@"\$\{(?!stageVariables\.)", value?.ToJsonString() ?? "");

    [Theory]
    [MemberData(nameof(StackNames))]
    public void Arns_follow_each_service_format(string stack)
    {
        var outputs = deployed[stack].Outputs;
        var region = outputs.Target.Region;
        var expected = new Dictionary<string, string>
        {
            ["aws:s3/bucket:Bucket"] = @"^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            ["aws:kms/key:Key"] = $@"^arn:aws:kms:{region}:123456789012:key/[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$",
            ["aws:iam/role:Role"] = @"^arn:aws:iam::123456789012:role/[\w+=,.@-]{1,64}$",
            ["aws:lambda/function:Function"] = $@"^arn:aws:lambda:{region}:123456789012:function:[a-zA-Z0-9-_]{{1,64}}$",
            ["aws:sqs/queue:Queue"] = $@"^arn:aws:sqs:{region}:123456789012:[a-zA-Z0-9_-]{{1,80}}$",
            ["aws:sns/topic:Topic"] = $@"^arn:aws:sns:{region}:123456789012:[a-zA-Z0-9_-]{{1,256}}$",
            ["aws:dynamodb/table:Table"] = $@"^arn:aws:dynamodb:{region}:123456789012:table/[a-zA-Z0-9_.-]{{3,255}}$",
            ["aws:sfn/stateMachine:StateMachine"] = $@"^arn:aws:states:{region}:123456789012:stateMachine:[a-zA-Z0-9_-]{{1,80}}$",
            ["aws:cloudwatch/logGroup:LogGroup"] = $@"^arn:aws:logs:{region}:123456789012:log-group:[\w/.#-]+$",
        };
        foreach (var (type, pattern) in expected)
        {
            foreach (var resource in deployed[stack].ResourcesOfType(type))
            {
                Assert.Matches(pattern, outputs.Output(resource.Name, "arn"));
            }
        }
    }

    [Fact]
    public void Autonames_are_the_logical_name_and_seven_hex_characters_and_stable()
    {
        var program = ProgramReader.Read("""
            name: p
            resources:
              queue:
                type: aws:sqs/queue:Queue
              named:
                type: aws:sqs/queue:Queue
                properties:
                  name: fixed
            """);
        var first = new DeployedOutputs(program, new DeploymentTarget("dev", "p", "eu-west-1"), new Dictionary<string, string>());
        var second = new DeployedOutputs(program, new DeploymentTarget("dev", "p", "eu-west-1"), new Dictionary<string, string>());

        Assert.Matches("^queue-[0-9a-f]{7}$", first.Output("queue", "name"));
        Assert.Equal(first.Output("queue", "arn"), second.Output("queue", "arn"));
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/123456789012/fixed", first.Output("named", "url"));
    }

    [Theory]
    [InlineData("${missing.arn}", "names no resource, variable or config key")]
    [InlineData("${queue.noSuchOutput}", "queue has no property 'noSuchOutput'")]
    [InlineData("${queue.arn[0]}", "has no item 0")]
    [InlineData("${secretKey}", "config key 'secretKey' is read by the program but the stack sets no value")]
    public void Unknown_references_fail_loudly(string reference, string message)
    {
        var program = ProgramReader.Read($$"""
            name: p
            config:
              secretKey:
                type: String
                secret: true
            resources:
              queue:
                type: aws:sqs/queue:Queue
              topic:
                type: aws:sns/topic:Topic
                properties:
                  displayName: "{{reference}}"
            """);
        var outputs = new DeployedOutputs(program, new DeploymentTarget("dev", "p", "eu-west-1"), new Dictionary<string, string>());

        var error = Assert.Throws<EvaluationException>(() => outputs.Inputs("topic"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_without_an_output_model_fails_instead_of_inventing_outputs()
    {
        var program = ProgramReader.Read("""
            name: p
            resources:
              cluster:
                type: aws:ecs/cluster:Cluster
            """);
        var outputs = new DeployedOutputs(program, new DeploymentTarget("dev", "p", "eu-west-1"), new Dictionary<string, string>());

        Assert.Contains("no output model for resource type aws:ecs/cluster:Cluster", Assert.Throws<EvaluationException>(() => outputs.Outputs("cluster")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Builtins_and_invokes_evaluate_as_pulumi_does()
    {
        var program = ProgramReader.Read("""
            name: p
            variables:
              region:
                fn::invoke:
                  function: aws:getRegion
                  arguments: {}
              doc:
                fn::invoke:
                  function: aws:iam:getPolicyDocument
                  arguments:
                    statements:
                      - effect: Allow
                        actions: [sqs:SendMessage]
                        resources: ["${queue.arn}"]
                        principals:
                          - type: Service
                            identifiers: [s3.amazonaws.com]
                        conditions:
                          - test: ArnLike
                            variable: aws:SourceArn
                            values: ["arn:aws:s3:::b"]
                  return: json
            resources:
              queue:
                type: aws:sqs/queue:Queue
                properties:
                  name: q
              topic:
                type: aws:sns/topic:Topic
                properties:
                  displayName:
                    fn::join: ["-", ["${region.region}", fn::select: [1, fn::split: [",", "a,b,c"]]]]
                  policy: ${doc}
                  deliveryPolicy:
                    fn::toJSON:
                      arn: ${queue.arn}
            """);
        var inputs = new DeployedOutputs(program, new DeploymentTarget("dev", "p", "eu-west-1"), new Dictionary<string, string>()).Inputs("topic");

        Assert.Equal("eu-west-1-b", (string?)inputs["displayName"]);
        Assert.Equal("""{"arn":"arn:aws:sqs:eu-west-1:123456789012:q"}""", (string?)inputs["deliveryPolicy"]);
        var statement = JsonNode.Parse((string)inputs["policy"]!)!["Statement"]![0]!;
        Assert.Equal("arn:aws:sqs:eu-west-1:123456789012:q", (string?)statement["Resource"]![0]);
        Assert.Equal("s3.amazonaws.com", (string?)statement["Principal"]!["Service"]![0]);
        Assert.Equal("arn:aws:s3:::b", (string?)statement["Condition"]!["ArnLike"]!["aws:SourceArn"]![0]);
    }
}
