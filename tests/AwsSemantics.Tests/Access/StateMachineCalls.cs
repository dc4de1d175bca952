using System.Text.Json.Nodes;
using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Access;

/// <summary>
/// Every AWS SDK integration task of every state machine (<c>arn:aws:states:::aws-sdk:service:apiAction</c>, in all
/// states, Parallel branches and Map processors), as the IAM request Step Functions makes with the machine's role:
/// action <c>service:ApiAction</c> (API Gateway's actions are HTTP verbs), on the resource the task's arguments name.
/// An argument computed at run time (a JSONata or JSONPath expression) where the resource is named fails the test:
/// the policy could not be checked statically.
/// </summary>
public sealed class StateMachineCalls(StackPolicies access)
{
    private const string SdkPrefix = "arn:aws:states:::aws-sdk:";

    public IEnumerable<AccessRequest> All()
    {
        var authorizations = new Authorizations(access);
        foreach (var machine in access.Resources("aws:sfn/stateMachine:StateMachine"))
        {
            var inputs = access.Outputs.Inputs(machine);
            var definition = JsonNode.Parse((string)inputs["definition"]!)!;
            var role = Caller.Role(access, (string)inputs["roleArn"]!);
            foreach (var (stateName, task) in Tasks(definition))
            {
                var resource = (string)task["Resource"]!;
                if (!resource.StartsWith(SdkPrefix, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{machine} state {stateName}: integration {resource} is not modelled (only aws-sdk tasks are)");
                }

                var parts = resource[SdkPrefix.Length..].Split(':');
                var (service, api) = (parts[0], parts[1]);
                var arguments = task["Arguments"] as JsonObject ?? task["Parameters"] as JsonObject
                    ?? throw new InvalidOperationException($"{machine} state {stateName}: an aws-sdk task without arguments");
                foreach (var call in Calls(service, api, arguments, $"{machine} state {stateName}"))
                {
                    yield return authorizations.For($"{machine} state {stateName} ({service}:{api})", role, call).Single();
                }
            }
        }
    }

    private IEnumerable<ServiceCall> Calls(string service, string api, JsonObject arguments, string where)
    {
        var none = new Dictionary<string, object>();
        var action = service + ":" + char.ToUpperInvariant(api[0]) + api[1..];
        switch (service)
        {
            case "lambda":
            {
                var function = Literal(arguments, "FunctionName", where);
                var arn = function.StartsWith("arn:", StringComparison.Ordinal) ? function : $"arn:aws:lambda:{access.Region}:{StackPolicies.Account}:function:{function}";
                // Alias operations address the alias (Name), provisioned concurrency its qualifier.
                var qualifier = api.EndsWith("Alias", StringComparison.Ordinal) ? Literal(arguments, "Name", where)
                    : arguments.ContainsKey("Qualifier") ? Literal(arguments, "Qualifier", where) : null;
                yield return new ServiceCall(api, action, qualifier is null ? arn : $"{arn}:{qualifier}", none);
                break;
            }

            case "ssm":
            {
                var name = Literal(arguments, "Name", where);
                yield return new ServiceCall(api, action, $"arn:aws:ssm:{access.Region}:{StackPolicies.Account}:parameter/{name.TrimStart('/')}", none);
                break;
            }

            case "sfn":
                // Step Functions' SDK service name is "sfn"; IAM authorizes its API under the "states" prefix.
                yield return new ServiceCall(api, "states:" + char.ToUpperInvariant(api[0]) + api[1..], Literal(arguments, "StateMachineArn", where), none);
                break;
            case "cloudwatch" when api == "describeAlarms":
                foreach (var alarm in arguments["AlarmNames"] as JsonArray ?? throw new InvalidOperationException($"{where}: describeAlarms without literal AlarmNames"))
                {
                    yield return new ServiceCall(api, action, $"arn:aws:cloudwatch:{access.Region}:{StackPolicies.Account}:alarm:{Checked((string)alarm!, "AlarmNames", where)}", none);
                }

                break;
            case "apigateway":
            {
                // API Gateway's management API is authorized by HTTP verb on the resource path.
                var verb = api switch
                {
                    _ when api.StartsWith("update", StringComparison.Ordinal) => "PATCH",
                    _ when api.StartsWith("get", StringComparison.Ordinal) => "GET",
                    _ when api.StartsWith("create", StringComparison.Ordinal) => "POST",
                    _ when api.StartsWith("delete", StringComparison.Ordinal) => "DELETE",
                    _ => throw new InvalidOperationException($"{where}: apigateway:{api} has no verb mapping"),
                };
                var path = api switch
                {
                    "updateStage" or "getStage" => $"/restapis/{Literal(arguments, "RestApiId", where)}/stages/{Literal(arguments, "StageName", where)}",
                    _ => throw new InvalidOperationException($"{where}: apigateway:{api} has no resource mapping"),
                };
                yield return new ServiceCall(api, "apigateway:" + verb, $"arn:aws:apigateway:{access.Region}::{path}", none);
                break;
            }

            default:
                throw new InvalidOperationException($"{where}: {service}:{api} has no resource mapping in StateMachineCalls");
        }
    }

    private static string Literal(JsonObject arguments, string name, string where) =>
        Checked((string?)arguments[name] ?? throw new InvalidOperationException($"{where}: argument {name} is missing"), name, where);

    private static string Checked(string value, string name, string where) =>
        value.StartsWith("{%", StringComparison.Ordinal) || value.StartsWith("$", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{where}: argument {name} is computed at run time ({value}); the access test needs the resource it names")
            : value;

    /// <summary>Task states at any depth: top level, Parallel branches, Map ItemProcessor / Iterator.</summary>
    private static IEnumerable<(string Name, JsonObject Task)> Tasks(JsonNode definition)
    {
        foreach (var (name, state) in definition["States"] as JsonObject ?? [])
        {
            var body = (JsonObject)state!;
            switch ((string?)body["Type"])
            {
                case "Task":
                    yield return (name, body);
                    break;
                case "Parallel":
                    foreach (var branch in body["Branches"] as JsonArray ?? [])
                    {
                        foreach (var task in Tasks(branch!))
                        {
                            yield return task;
                        }
                    }

                    break;
                case "Map":
                    foreach (var task in Tasks(body["ItemProcessor"] ?? body["Iterator"]!))
                    {
                        yield return task;
                    }

                    break;
            }
        }
    }
}
