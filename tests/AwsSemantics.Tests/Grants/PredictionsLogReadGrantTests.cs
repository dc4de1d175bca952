using System.Text.Json.Nodes;
using Infra.Testing.Access.Evaluation;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Aws.Iam;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;

namespace AwsSemantics.Tests.Grants;

/// <summary>
/// <c>GrantReadPredictions</c>'s policy, as synthesized, evaluated by the IAM simulator for the role it is attached to:
/// the table's and its indexes' reads and the key's decryption are allowed; any write, another table and another
/// key are not. KMS also needs the key's own policy to allow it: the data key's policy goes with each request.
/// </summary>
public sealed class PredictionsLogReadGrantTests
{
    private const string Account = DeploymentTarget.Account;
    private const string Table = $"arn:aws:dynamodb:us-east-1:{Account}:table/embed-predictions";
    private const string Key = $"arn:aws:kms:us-east-1:{Account}:key/11111111-1111-4111-a111-111111111111";
    private const string Analyst = $"arn:aws:iam::{Account}:role/analyst";

    [Fact]
    public void The_granted_role_reads_the_log_and_its_indexes_and_decrypts_them_and_writes_nothing()
    {
        var program = Program();
        var policy = new NamedPolicy("embed-grant-read-predictions-analyst", PolicyOf(program, "embed-grant-read-predictions-analyst"));
        var keyPolicy = PolicyOf(program, "embed-data-key");
        AccessRequest Call(string action, string resource) =>
            new($"analyst {action}", Analyst, action, resource, Account, new Dictionary<string, object>(), [policy],
                action.StartsWith("kms:", StringComparison.Ordinal) ? keyPolicy : null);

        Decisions.Assert(
            allowed:
            [
                Call("dynamodb:Query", Table),
                Call("dynamodb:Query", $"{Table}/index/by-request-id"),
                Call("dynamodb:GetItem", Table),
                Call("dynamodb:Scan", Table),
                Call("dynamodb:DescribeTable", Table),
                Call("kms:Decrypt", Key),
            ],
            denied:
            [
                Call("dynamodb:PutItem", Table),
                Call("dynamodb:UpdateItem", Table),
                Call("dynamodb:DeleteItem", Table),
                Call("dynamodb:Query", $"arn:aws:dynamodb:us-east-1:{Account}:table/other"),
                Call("kms:Encrypt", Key),
                Call("kms:GenerateDataKey", Key),
                Call("kms:Decrypt", $"arn:aws:kms:us-east-1:{Account}:key/22222222-2222-4222-a222-222222222222"),
            ]);
    }

    /// <summary>A stack whose REST API keeps a predictions log that the analyst role is granted to read.</summary>
    private static JsonNode Program()
    {
        var stack = new Stack("proj", "dev");
        var api = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent") },
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            PredictionLogSampleRate = 0.1,
            Api = new RestApiSettings
            {
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 5, BurstLimit = 10 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });
        api.GrantReadPredictions(new RoleGrantee(new Role(stack, "analyst", new RoleArgs { AssumeRolePolicy = "{}" })));
        return JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(stack)))!;
    }

    /// <summary>A resource's policy document as the program writes it, with the ARNs, partition and account filled in.</summary>
    private static JsonNode PolicyOf(JsonNode program, string resource)
    {
        var document = program["resources"]![resource]!["properties"]!["policy"]!["fn::toJSON"]!.ToJsonString()
            .Replace("${embed-predictions.arn}", Table, StringComparison.Ordinal)
            .Replace("${embed-data-key.arn}", Key, StringComparison.Ordinal)
            .Replace("${aws-partition.partition}", "aws", StringComparison.Ordinal)
            .Replace("${aws-caller-identity.accountId}", Account, StringComparison.Ordinal);
        Assert.DoesNotContain("${", document, StringComparison.Ordinal);
        return JsonNode.Parse(document)!;
    }
}
