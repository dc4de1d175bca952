using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Testing.Programs;

namespace Infra.Testing.Access.Evaluation;

/// <summary>
/// A deterministic model of each resource type's state after create, as AWS and the Pulumi AWS provider (v7) report
/// it: physical names from the name input or Pulumi's autonaming (the logical name, '-', 7 random lowercase hex
/// characters, drawn here from a hash of the name so runs agree), and ARNs in each service's format. Only the types
/// the team stacks use are modelled; a new type fails <see cref="Outputs"/> until it is added here.
/// </summary>
public sealed class ResourceOutputModel(DeploymentTarget target)
{
    private delegate void Computes(ResourceState state);

    private readonly Dictionary<string, Computes> _types = new(StringComparer.Ordinal)
    {
        ["aws:s3/bucket:Bucket"] = s =>
        {
            var bucket = s.Name("bucket", lowerCase: true);
            s.Set("id", bucket).Set("arn", $"arn:aws:s3:::{bucket}")
                .Set("bucketDomainName", $"{bucket}.s3.amazonaws.com").Set("bucketRegionalDomainName", $"{bucket}.s3.{s.Region}.amazonaws.com")
                .Set("region", s.Region);
        },
        ["aws:s3/bucketObject:BucketObject"] = s => s.Set("id", s.Text("key")).Set("versionId", s.Hex("version", 32)).Set("etag", s.Hex("etag", 32))
            .Set("arn", $"arn:aws:s3:::{s.Text("bucket")}/{s.Text("key")}"),
        ["aws:kms/key:Key"] = s =>
        {
            var keyId = s.Uuid();
            s.Set("keyId", keyId).Set("id", keyId).Set("arn", $"arn:aws:kms:{s.Region}:{s.Account}:key/{keyId}");
        },
        ["aws:kms/alias:Alias"] = s => s.Set("id", s.Text("name")).Set("arn", $"arn:aws:kms:{s.Region}:{s.Account}:{s.Text("name")}"),
        ["aws:iam/role:Role"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:iam::{s.Account}:role{s.Optional("path") ?? "/"}{name}").Set("uniqueId", "AROA" + s.Hex("unique", 17).ToUpperInvariant());
        },
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = s => s.Set("id", $"{s.Text("role")}-{s.Hex("attachment", 26)}"),
        ["aws:iam/rolePolicy:RolePolicy"] = s => s.Set("id", $"{s.Text("role")}:{s.Name("name")}"),
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = s => s.Set("id", $"{s.Text("role")}-{s.Hex("id", 20)}"),
        ["aws:iam/policy:Policy"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", $"arn:aws:iam::{s.Account}:policy{s.Optional("path") ?? "/"}{name}").Set("arn", $"arn:aws:iam::{s.Account}:policy{s.Optional("path") ?? "/"}{name}")
                .Set("policyId", "ANPA" + s.Hex("policy", 17).ToUpperInvariant());
        },
        ["aws:cloudwatch/logResourcePolicy:LogResourcePolicy"] = s => s.Set("id", s.Text("policyName")),
        ["aws:lambda/function:Function"] = s =>
        {
            var name = s.Name("name");
            var arn = $"arn:aws:lambda:{s.Region}:{s.Account}:function:{name}";
            // publish: true makes the create publish version 1; without it the function has only $LATEST.
            var version = s.Inputs["publish"]?.GetValue<bool>() == true ? "1" : "$LATEST";
            s.Set("id", name).Set("arn", arn).Set("version", version).Set("qualifiedArn", $"{arn}:{version}")
                .Set("invokeArn", InvokeArn(s.Region, arn)).Set("qualifiedInvokeArn", InvokeArn(s.Region, $"{arn}:{version}"));
        },
        ["aws:lambda/alias:Alias"] = s =>
        {
            var function = s.Text("functionName");
            var functionArn = function.StartsWith("arn:", StringComparison.Ordinal) ? function : $"arn:aws:lambda:{s.Region}:{s.Account}:function:{function}";
            var arn = $"{functionArn}:{s.Text("name")}";
            s.Set("id", arn).Set("arn", arn).Set("invokeArn", InvokeArn(s.Region, arn));
        },
        ["aws:sqs/queue:Queue"] = s =>
        {
            var fifo = s.Inputs["fifoQueue"]?.GetValue<bool>() == true;
            var name = s.Name("name", suffix: fifo ? ".fifo" : "");
            var url = $"https://sqs.{s.Region}.amazonaws.com/{s.Account}/{name}";
            s.Set("id", url).Set("url", url).Set("arn", $"arn:aws:sqs:{s.Region}:{s.Account}:{name}");
        },
        ["aws:sns/topic:Topic"] = s =>
        {
            var arn = $"arn:aws:sns:{s.Region}:{s.Account}:{s.Name("name")}";
            s.Set("id", arn).Set("arn", arn);
        },
        ["aws:dynamodb/table:Table"] = s =>
        {
            var name = s.Name("name");
            var arn = $"arn:aws:dynamodb:{s.Region}:{s.Account}:table/{name}";
            s.Set("id", name).Set("arn", arn);
            if (s.Inputs["streamEnabled"]?.GetValue<bool>() == true)
            {
                s.Set("streamArn", $"{arn}/stream/2026-12-01T00:00:00.000").Set("streamLabel", "2026-12-01T00:00:00.000");
            }
        },
        ["aws:sfn/stateMachine:StateMachine"] = s =>
        {
            var arn = $"arn:aws:states:{s.Region}:{s.Account}:stateMachine:{s.Name("name")}";
            s.Set("id", arn).Set("arn", arn);
        },
        ["aws:ssm/parameter:Parameter"] = s =>
        {
            var name = s.Name("name");
            // A hierarchical name starts with '/', which the ARN does not repeat.
            s.Set("id", name).Set("arn", $"arn:aws:ssm:{s.Region}:{s.Account}:parameter/{name.TrimStart('/')}").Set("version", 1);
        },
        ["aws:cloudwatch/logGroup:LogGroup"] = s =>
        {
            // The provider drops the ':*' that the CloudWatch Logs API appends (LogGroup.arn's documentation).
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:logs:{s.Region}:{s.Account}:log-group:{name}");
        },
        ["aws:cloudwatch/metricAlarm:MetricAlarm"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:cloudwatch:{s.Region}:{s.Account}:alarm:{name}");
        },
        ["aws:cloudwatch/compositeAlarm:CompositeAlarm"] = s =>
        {
            var name = s.Name("alarmName");
            s.Set("id", name).Set("arn", $"arn:aws:cloudwatch:{s.Region}:{s.Account}:alarm:{name}");
        },
        ["aws:cloudwatch/dashboard:Dashboard"] = s =>
        {
            var name = s.Name("dashboardName");
            s.Set("id", name).Set("dashboardArn", $"arn:aws:cloudwatch::{s.Account}:dashboard/{name}");
        },
        ["aws:cloudwatch/eventRule:EventRule"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:events:{s.Region}:{s.Account}:rule/{name}");
        },
        ["aws:cloudwatch/eventTarget:EventTarget"] = s => s.Set("id", $"{s.Text("rule")}-{s.Optional("targetId") ?? s.Hex("target", 8)}"),
        ["aws:scheduler/schedule:Schedule"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", $"{s.Optional("groupName") ?? "default"}/{name}").Set("arn", $"arn:aws:scheduler:{s.Region}:{s.Account}:schedule/{s.Optional("groupName") ?? "default"}/{name}");
        },
        ["aws:cloudwatch/queryDefinition:QueryDefinition"] = s => s.Set("id", s.Uuid()).Set("queryDefinitionId", s.Uuid()),
        ["aws:ecr/repository:Repository"] = s =>
        {
            var name = s.Name("name", lowerCase: true);
            s.Set("id", name).Set("arn", $"arn:aws:ecr:{s.Region}:{s.Account}:repository/{name}").Set("registryId", s.Account)
                .Set("repositoryUrl", $"{s.Account}.dkr.ecr.{s.Region}.amazonaws.com/{name}");
        },
        ["aws:ecr/lifecyclePolicy:LifecyclePolicy"] = s => s.Set("id", s.Text("repository")).Set("registryId", s.Account),
        ["aws:ecr/repositoryPolicy:RepositoryPolicy"] = s => s.Set("id", s.Text("repository")).Set("registryId", s.Account),
        // awsx pushes the image and reports it by digest (a tag and a digest together are refused by Lambda).
        ["awsx:ecr:Image"] = s => s.Set("imageUri", $"{s.Text("repositoryUrl")}@sha256:{s.Hex("digest", 64)}"),
        ["aws:apigateway/restApi:RestApi"] = s =>
        {
            var id = s.Hex("id", 10);
            s.Set("id", id).Set("name", s.Name("name")).Set("rootResourceId", s.Hex("root", 10))
                .Set("arn", $"arn:aws:apigateway:{s.Region}::/restapis/{id}")
                .Set("executionArn", $"arn:aws:execute-api:{s.Region}:{s.Account}:{id}");
        },
        ["aws:apigateway/resource:Resource"] = s => s.Set("id", s.Hex("id", 6)).Set("path", $"/{s.Text("pathPart")}"),
        ["aws:apigateway/method:Method"] = s => s.Set("id", $"agm-{s.Hex("id", 10)}"),
        ["aws:apigateway/integration:Integration"] = s => s.Set("id", $"agi-{s.Hex("id", 10)}"),
        ["aws:apigateway/model:Model"] = s => s.Set("id", s.Hex("id", 6)),
        ["aws:apigateway/requestValidator:RequestValidator"] = s => s.Set("id", s.Hex("id", 6)),
        ["aws:apigateway/response:Response"] = s => s.Set("id", $"aggr-{s.Hex("id", 10)}"),
        ["aws:apigateway/deployment:Deployment"] = s => s.Set("id", s.Hex("id", 6)),
        ["aws:apigateway/stage:Stage"] = s =>
        {
            var api = s.Text("restApi");
            var stage = s.Text("stageName");
            s.Set("id", $"ags-{api}-{stage}").Set("arn", $"arn:aws:apigateway:{s.Region}::/restapis/{api}/stages/{stage}")
                .Set("invokeUrl", $"https://{api}.execute-api.{s.Region}.amazonaws.com/{stage}")
                .Set("executionArn", $"arn:aws:execute-api:{s.Region}:{s.Account}:{api}/{stage}");
        },
        ["aws:apigateway/methodSettings:MethodSettings"] = s => s.Set("id", $"{s.Text("restApi")}-{s.Text("stageName")}-{s.Text("methodPath")}"),
        ["aws:apigateway/apiKey:ApiKey"] = s => s.Set("id", s.Hex("id", 10)).Set("name", s.Name("name")).Set("value", s.Hex("value", 40)),
        ["aws:apigateway/usagePlan:UsagePlan"] = s => s.Set("id", s.Hex("id", 6)).Set("name", s.Name("name")),
        ["aws:apigateway/usagePlanKey:UsagePlanKey"] = s => s.Set("id", s.Text("keyId")),
        ["aws:apigateway/account:Account"] = s => s.Set("id", "api-gateway-account"),
        ["aws:wafv2/webAcl:WebAcl"] = s =>
        {
            var name = s.Name("name");
            var id = s.Uuid();
            s.Set("id", id).Set("arn", $"arn:aws:wafv2:{s.Region}:{s.Account}:{(s.Text("scope") == "CLOUDFRONT" ? "global" : "regional")}/webacl/{name}/{id}");
        },
        ["aws:wafv2/webAclAssociation:WebAclAssociation"] = s => s.Set("id", $"{s.Text("webAclArn")},{s.Text("resourceArn")}"),
        ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"] = s => s.Set("id", s.Text("resourceArn")),
        ["aws:lambda/permission:Permission"] = s => s.Set("id", s.Optional("statementId") ?? s.Name("statementId")),
        ["aws:lambda/eventSourceMapping:EventSourceMapping"] = s =>
        {
            var uuid = s.Uuid();
            s.Set("id", uuid).Set("uuid", uuid).Set("arn", $"arn:aws:lambda:{s.Region}:{s.Account}:event-source-mapping:{uuid}");
        },
        ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"] = s => s.Set("id", s.Text("functionName")),
        ["aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig"] = s => s.Set("id", $"{s.Text("functionName")},{s.Text("qualifier")}"),
        ["aws:appautoscaling/target:Target"] = s => s.Set("id", s.Text("resourceId"))
            .Set("arn", $"arn:aws:application-autoscaling:{s.Region}:{s.Account}:scalable-target/{s.Hex("target", 32)}"),
        ["aws:appautoscaling/scheduledAction:ScheduledAction"] = s => s.Set("id", s.Name("name"))
            .Set("arn", $"arn:aws:autoscaling:{s.Region}:{s.Account}:scheduledAction:{s.Uuid()}:resource/{s.Text("resourceId")}:scheduledActionName/{s.Name("name")}"),
        ["aws:appautoscaling/policy:Policy"] = s => s.Set("id", s.Name("name"))
            .Set("arn", $"arn:aws:autoscaling:{s.Region}:{s.Account}:scalingPolicy:{s.Uuid()}:resource/{s.Text("resourceId")}:policyName/{s.Name("name")}"),
        ["aws:sqs/queuePolicy:QueuePolicy"] = s => s.Set("id", s.Text("queueUrl")),
        ["aws:sqs/redrivePolicy:RedrivePolicy"] = s => s.Set("id", s.Text("queueUrl")),
        ["aws:sns/topicPolicy:TopicPolicy"] = s => s.Set("id", s.Text("arn")),
        ["aws:sns/topicSubscription:TopicSubscription"] = s => s.Set("id", $"{s.Text("topic")}:{s.Uuid()}").Set("arn", $"{s.Text("topic")}:{s.Uuid()}"),
        ["aws:s3/bucketPolicy:BucketPolicy"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketVersioning:BucketVersioning"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketLogging:BucketLogging"] = s => s.Set("id", s.Text("bucket")),
        ["aws:s3/bucketNotification:BucketNotification"] = s => s.Set("id", s.Text("bucket")),
        ["aws:cloudtrail/trail:Trail"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:cloudtrail:{s.Region}:{s.Account}:trail/{name}");
        },
        ["aws:budgets/budget:Budget"] = s =>
        {
            var name = s.Name("name");
            s.Set("id", $"{s.Account}:{name}").Set("arn", $"arn:aws:budgets::{s.Account}:budget/{name}");
        },
        ["aws:ec2/securityGroup:SecurityGroup"] = s =>
        {
            var id = $"sg-{s.Hex("id", 17)}";
            s.Set("id", id).Set("arn", $"arn:aws:ec2:{s.Region}:{s.Account}:security-group/{id}").Set("name", s.Name("name")).Set("ownerId", s.Account);
        },
        ["aws:elasticache/serverlessCache:ServerlessCache"] = s =>
        {
            var name = s.Name("name");
            var endpoint = (int port) => new JsonArray(new JsonObject { ["address"] = $"{name}-{s.Hex("host", 6)}.serverless.{s.Region}.cache.amazonaws.com", ["port"] = port });
            s.Set("id", name).Set("arn", $"arn:aws:elasticache:{s.Region}:{s.Account}:serverlesscache:{name}")
                .Set("endpoints", endpoint(6379)).Set("readerEndpoints", endpoint(6380));
        },
        ["aws:costexplorer/anomalyMonitor:AnomalyMonitor"] = s => s.Set("id", s.Uuid()).Set("arn", $"arn:aws:ce::{s.Account}:anomalymonitor/{s.Uuid()}"),
        ["aws:costexplorer/anomalySubscription:AnomalySubscription"] = s => s.Set("id", s.Uuid()).Set("arn", $"arn:aws:ce::{s.Account}:anomalysubscription/{s.Uuid()}"),
    };

    /// <summary>The resource's outputs: its inputs (the provider echoes them) plus what AWS computes.</summary>
    public JsonObject Outputs(string type, string physicalName, JsonObject inputs, SourceMark mark)
    {
        if (!_types.TryGetValue(type, out var compute))
        {
            throw new EvaluationException($"no output model for resource type {type} (add it to ResourceOutputModel with the names and ARNs AWS gives it)", mark);
        }

        var state = new ResourceState(physicalName, (JsonObject)inputs.DeepClone(), target, mark);
        compute(state);
        return state.Inputs;
    }

    private static string InvokeArn(string region, string functionArn) =>
        $"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations";

    /// <summary>One resource's outputs under construction.</summary>
    private sealed class ResourceState(string logicalName, JsonObject inputs, DeploymentTarget target, SourceMark mark)
    {
        public JsonObject Inputs { get; } = inputs;

        public string Region => target.Region;

        public string Account => DeploymentTarget.Account;

        public ResourceState Set(string property, JsonNode? value)
        {
            // An input the provider echoes wins over a computed default (a set name stays that name).
            if (!Inputs.ContainsKey(property))
            {
                Inputs[property] = value;
            }

            return this;
        }

        public string Text(string property) =>
            Optional(property) ?? throw new EvaluationException($"'{logicalName}' has no '{property}' input, which its outputs need", mark);

        public string? Optional(string property) =>
            Inputs[property] is { } value ? ProgramEvaluator.Text(value, $"{logicalName}.{property}", mark) : null;

        /// <summary>The physical name: the input when set (<paramref name="property"/>, or its <c>…Prefix</c>), else Pulumi's autoname.</summary>
        public string Name(string property, bool lowerCase = false, string suffix = "")
        {
            if (Optional(property) is { } given)
            {
                return given;
            }

            var prefix = Optional(property + "Prefix");
            var name = prefix is null ? $"{logicalName}-{Hex("autoname", 7)}" : prefix + Hex("autoname", 26);
            name = (lowerCase ? name.ToLowerInvariant() : name) + suffix;
            Inputs[property] = name;
            return name;
        }

        /// <summary>Lowercase hex drawn from the stack, the resource and <paramref name="purpose"/>: random-looking, but the same every run.</summary>
        public string Hex(string purpose, int length)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Project}/{target.Stack}/{logicalName}/{purpose}"));
            return Convert.ToHexStringLower(hash)[..length];
        }

        public string Uuid()
        {
            var hex = Hex("uuid", 32);
            return $"{hex[..8]}-{hex[8..12]}-4{hex[13..16]}-a{hex[17..20]}-{hex[20..32]}";
        }
    }
}
