using Infra.Aws.Kms;
using Infra.Aws.Sns;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Testing;

namespace Testing.Tests;

/// <summary>A stack definition synthesized in memory, through the host's loader, with config, secrets and environment.</summary>
public class SynthesizeTests
{
    /// <summary>Reads a string, a number, a list and a secret, and the environment, as a team's definition does.</summary>
    private static IDictionary<string, object?>? Definition(StackContext context)
    {
        var description = context.Config.RequireString("keyDescription");
        var window = context.Config.GetInt32("deletionWindowDays", 30, 7, 30);
        var owners = context.Config.GetStringList("owners");
        var email = context.Config.GetSecret(context.Stack, "alertEmail");
        var key = new Key(context.Stack, "data", new KeyArgs
        {
            Description = $"{description} ({context.StackName}, owners {string.Join("+", owners)}, build {context.Environment("BUILD_ID") ?? "none"})",
            DeletionWindowInDays = window,
            EnableKeyRotation = true,
        });
        if (email is not null)
        {
            var topic = new Topic(context.Stack, "alerts", new TopicArgs { KmsMasterKeyId = key.Arn });
            new TopicSubscription(context.Stack, "alerts-email", new TopicSubscriptionArgs { Topic = topic.Arn, Protocol = "email", Endpoint = email });
        }

        return new Dictionary<string, object?> { ["keyArn"] = key.Arn };
    }

    private static readonly StackTestOptions Options = new()
    {
        StackName = "prod",
        ProjectName = "team",
        Config = new Dictionary<string, object?>
        {
            ["keyDescription"] = "the team's data",
            ["deletionWindowDays"] = 7,
            ["owners"] = new[] { "ana", "bo" },
            ["aws:region"] = "eu-west-1",
        },
        Secrets = new Dictionary<string, string> { ["alertEmail"] = "oncall@example.com" },
        Environment = new Dictionary<string, string> { ["BUILD_ID"] = "42" },
    };

    [Fact]
    public void The_definition_sees_the_stack_its_config_as_Pulumi_passes_it_and_only_the_given_environment()
    {
        var template = StackTemplate.Synthesize(Definition, Options);

        Assert.Equal("prod", template.Stack.StackName);
        Assert.Equal("team", template.Stack.ProjectName);
        template.ResourceOf<Key>("data").HasProperties(new { description = "the team's data (prod, owners ana+bo, build 42)", deletionWindowInDays = 7 });
        template.HasOutput("keyArn", Match.ReferenceTo("data", "arn"));
    }

    [Fact]
    public void A_secret_is_referenced_by_the_program_and_its_value_never_appears_in_it()
    {
        var template = StackTemplate.Synthesize(Definition, Options);

        Assert.Equal(true, template.At("config", "alertEmail", "secret"));
        template.ResourceOf<TopicSubscription>("alerts-email").HasProperties(new { endpoint = Match.ReferenceTo("alertEmail") });
        Assert.DoesNotContain("oncall@example.com", template.ToYaml(), StringComparison.Ordinal);

        var without = StackTemplate.Synthesize(Definition, new StackTestOptions { ProjectName = "team", Config = Options.Config });
        without.ResourceCountIs<Topic>(0);
    }

    [Fact]
    public void Bad_config_fails_with_the_hosts_message_naming_each_key()
    {
        var error = Assert.Throws<StackAssertionException>(() => StackTemplate.Synthesize(Definition, new StackTestOptions
        {
            ProjectName = "team",
            Config = new Dictionary<string, object?> { ["deletionWindowDays"] = "lots", ["keyDescripton"] = "typo" },
        }));

        Assert.Equal("stack 'dev': invalid config, no program was emitted:\n" +
            "  - config key 'team:keyDescription' is required and missing: expected a string; set it with `pulumi config set keyDescription <value>`\n" +
            "  - config key 'team:deletionWindowDays' has value 'lots': expected an integer from 7 to 30\n" +
            "  - config key 'team:keyDescripton' is not a setting of this stack: check its spelling (known keys: alertEmail, deletionWindowDays, keyDescription, modelSizeMb, owners, " +
            "trafficBatchObjectsPerDay, trafficDurationMs, trafficP95DurationMs, trafficPayloadKb, trafficPeakFactor, trafficRequestsPerDay)",
            error.Message);
        Assert.IsType<ConfigException>(error.InnerException);
    }

    [Fact]
    public void A_definition_that_cannot_be_synthesized_fails_with_its_problems()
    {
        var error = Assert.Throws<StackAssertionException>(() => StackTemplate.Synthesize(context =>
        {
            new Key(context.Stack, "Data", new KeyArgs());
            return null;
        }));

        Assert.StartsWith("stack 'dev': the program cannot be synthesized:\n  - stack: invalid logical name 'Data'", error.Message, StringComparison.Ordinal);
        Assert.IsType<SynthesisException>(error.InnerException);
    }

    [Fact]
    public void A_stack_built_by_a_test_that_cannot_be_synthesized_throws_the_synthesizers_own_error()
    {
        var other = new Stack("proj", "other");
        var stack = new Stack("proj", "dev");
        stack.Export("keyArn", new Key(other, "data", new KeyArgs()).Arn);

        var error = Assert.Throws<SynthesisException>(() => StackTemplate.FromStack(stack));

        Assert.Equal("stack: output 'keyArn' references 'data', which is not in this stack's program", error.Problems.Single());
    }

    [Fact]
    public void A_policy_error_fails_as_synth_fails_unless_the_test_asks_for_the_findings()
    {
        static IDictionary<string, object?>? Unrotated(StackContext context)
        {
            new Key(context.Stack, "data", new KeyArgs { Description = "data" });
            return null;
        }

        var error = Assert.Throws<StackAssertionException>(() => StackTemplate.Synthesize(Unrotated));
        Assert.StartsWith("stack 'dev': synth refuses it:\nerror: the stack violates 1 policy rule(s), no program was emitted:\n  - KMS-ROTATION on 'data': ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(to assert on the findings instead, synthesize with EnforcePolicies = false and use template.Policies())", error.Message, StringComparison.Ordinal);

        var template = StackTemplate.Synthesize(Unrotated, new StackTestOptions { EnforcePolicies = false });
        Assert.Equal("data", template.Policies().HaveFinding("KMS-ROTATION", "data").ResourceName);

        // A team's own pack is the one synth applies; without a project folder or name the project is "project".
        var ownPack = StackTemplate.Synthesize(Unrotated, new StackTestOptions { Policies = new Infra.Policy.PolicyPack([]) });
        Assert.Equal("project", ownPack.Stack.ProjectName);
    }

    [Fact]
    public void Config_given_twice_and_null_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => StackTemplate.Synthesize(Definition, new StackTestOptions
        {
            Config = new Dictionary<string, object?> { ["alertEmail"] = "a@example.com" },
            Secrets = new Dictionary<string, string> { ["alertEmail"] = "b@example.com" },
        }));
        Assert.Throws<ArgumentException>(() => StackTemplate.Synthesize(Definition, new StackTestOptions { Config = new Dictionary<string, object?> { ["owners"] = null } }));
    }

    [Fact]
    public void The_repositorys_team_stack_synthesizes_in_memory_with_config_and_a_secret()
    {
        // A project of its own with the function published (a sparse 80 MB file), so the result does not depend on
        // whether another test run published the function build into this repository's .build/ first.
        using var project = new PublishedProject();
        var template = StackTemplate.Synthesize(Stacks.TeamStacks.Define, new StackTestOptions
        {
            StackName = "dev",
            ProjectDirectory = project.Root,
            Config = new Dictionary<string, object?> { ["memoryMb"] = 2048, ["apiClients"] = new[] { "acme", "globex" }, ["aws:region"] = "eu-west-1" },
            Secrets = new Dictionary<string, string> { ["alarmEmail"] = "oncall@example.com" },
        });

        Assert.Equal("ml-serving", template.Stack.ProjectName);
        Assert.NotEmpty(template.FindResources<Infra.Aws.Lambda.Function>(new { memorySize = 2048 }));
        template.HasResourceProperties<TopicSubscription>(new { protocol = "email", endpoint = Match.ReferenceTo("alarmEmail") });
        // Asset paths are relative to the program folder (main: deploy/), as Pulumi resolves them.
        template.ResourceOf<Infra.Aws.S3.BucketObject>("batch-function-code")
            .HasProperties(new { bucket = Match.ReferenceTo("artifacts-bucket", "bucket"), source = Match.Call("fn::fileArchive", "../.build/function/ready-to-run-linux-x64") });
        template.HasResourceProperties<Infra.Aws.Lambda.Function>(new { s3Bucket = Match.ReferenceTo("artifacts-bucket", "bucket") });
        template.Policies().HaveNoFindings();
        Assert.DoesNotContain("oncall@example.com", template.ToYaml(), StringComparison.Ordinal);
    }

    /// <summary>The example at the top of docs/testing.md, as written there (the snapshot aside).</summary>
    [Fact]
    public void The_documented_example_runs()
    {
        var template = StackTemplate.Synthesize(Stacks.TeamStacks.Define, new StackTestOptions
        {
            ProjectDirectory = TestModels.RepositoryFolder.Root,
            Config = new Dictionary<string, object?> { ["architecture"] = "arm64", ["apiClients"] = new[] { "acme" } },
            Secrets = new Dictionary<string, string> { ["alarmEmail"] = "oncall@example.com" },
        });

        template.HasResourceProperties<TopicSubscription>(new { protocol = "email", endpoint = Match.ReferenceTo("alarmEmail") });
        template.HasResourceProperties<Infra.Aws.Lambda.Function>(new { architectures = new[] { "arm64" } });
        template.Policies().HaveNoFindings();
        template.Cost().IsUnder(100m);
    }

    /// <summary>
    /// A copy of this repository's Pulumi project with what synthesis reads: the function's project file and Dockerfile
    /// (the container API's build context) and a published zip function over Lambda's 50 MB direct upload.
    /// </summary>
    private sealed class PublishedProject : IDisposable
    {
        public PublishedProject()
        {
            var repository = TestModels.RepositoryFolder.Root;
            Root = Directory.CreateTempSubdirectory("testing-kit-project").FullName;
            File.WriteAllText(Path.Combine(Root, "Pulumi.yaml"), "name: ml-serving\nruntime: yaml\nmain: deploy/\n");
            foreach (var file in new[] { Infra.Components.FunctionSource.ProjectFromRoot, "functions/Dockerfile" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Root, file))!);
                File.Copy(Path.Combine(repository, file), Path.Combine(Root, file));
            }

            var published = Directory.CreateDirectory(Path.Combine(Root, ".build", "function", "ready-to-run-linux-x64"));
            using var model = File.Create(Path.Combine(published.FullName, "model.onnx"));
            model.SetLength(80L * 1024 * 1024);
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
