using System.Text;
using AwsSemantics.Tests.Deployment;
using Infra.Testing.Programs;

namespace AwsSemantics.Tests.Limits;

/// <summary>Both team stacks and the long-name stacks within AWS's quotas and ranges; a program that breaks each one is caught.</summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class ServiceLimitTests(DeployedStacks deployed)
{
    public static TheoryData<string> StackNames => [.. global::Stacks.TeamStacks.Known];

    [Theory]
    [MemberData(nameof(StackNames))]
    public void The_team_stack_is_within_every_checked_limit(string stack)
    {
        var acls = ServiceLimits.WebAcls(deployed[stack]).ToList();

        var findings = ServiceLimits.Check(deployed[stack]);

        Assert.NotEmpty(acls);
        Assert.All(acls, acl => Assert.True(acl.Capacity > 900, $"{acl.Acl}: only {acl.Capacity} WCUs counted"));
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void The_long_name_stacks_are_within_every_checked_limit()
    {
        var findings = LongNameStacks.All().SelectMany(ServiceLimits.Check).ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    public static TheoryData<string, string> BrokenLimits => new()
    {
        { "big-acl", "its rules need 2113 WCUs, over the web ACL's 1500" },
        { "big-acl", "the WCU model does not know xssMatchStatement" },
        { "shared-key", "in 11 usage plans, more than 10" },
        { "tiny", "memorySize 64 is outside 128 to 10240" },
        { "tiny", "timeout 901 is outside 1 to 900" },
        { "tiny", "ephemeralStorage.size 20480 is outside 512 to 10240 MB" },
        { "tiny", "its environment variables take 4102 bytes, over Lambda's 4096" },
        { "jobs", "visibility timeout 30 s is under 6 x the 901 s timeout of tiny" },
        { "jobs-dead-letters", "retains messages 345600 s, not longer than the 1209600 s of jobs" },
        { "tagged", "51 tags, over 50" },
        { "tagged", $"tag key '{new string('k', 129)}' has 129 characters, over 128" },
        { "tagged", "tag 'long' has a value of 257 characters, over 256" },
        { "odd-period", "period 45 is not 10, 20, 30 or a multiple of 60" },
        { "odd-period", "200 evaluation periods of 3600 s span 720000 s, over 604800" },
        { "long-window", "2000 evaluation periods of 60 s span 120000 s, over 86400" },
    };

    [Theory]
    [MemberData(nameof(BrokenLimits))]
    public void A_program_over_a_limit_is_a_finding(string resource, string problem)
    {
        var findings = ServiceLimits.Check(Broken());

        Assert.Contains(findings, f => f.Where.Contains($": {resource}", StringComparison.Ordinal) && f.Problem.Contains(problem, StringComparison.Ordinal));
    }

    /// <summary>One program that breaks each limit once.</summary>
    private static DeployedStack Broken()
    {
        var yaml = new StringBuilder("""
            name: broken
            runtime: yaml
            resources:
              big-acl:
                type: aws:wafv2/webAcl:WebAcl
                properties:
                  scope: REGIONAL
                  defaultAction: { allow: {} }
                  visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: big }
                  rules:
                    - { name: a, priority: 1, statement: { managedRuleGroupStatement: { vendorName: AWS, name: AWSManagedRulesCommonRuleSet } } }
                    - { name: b, priority: 2, statement: { managedRuleGroupStatement: { vendorName: AWS, name: AWSManagedRulesCommonRuleSet } } }
                    - { name: c, priority: 3, statement: { managedRuleGroupStatement: { vendorName: AWS, name: AWSManagedRulesCommonRuleSet } } }
                    - { name: d, priority: 4, statement: { xssMatchStatement: { fieldToMatch: { body: {} } } } }
                    - name: e
                      priority: 5
                      statement:
                        notStatement:
                          statement:
                            regexMatchStatement: { regexString: "^x", textTransformations: [{ priority: 0, type: LOWERCASE }, { priority: 1, type: NONE }] }
              tiny:
                type: aws:lambda/function:Function
                properties:
                  role: arn:aws:iam::123456789012:role/fn
                  memorySize: 64
                  timeout: 901
                  ephemeralStorage: { size: 20480 }
                  environment:
                    variables:
                      TRAFFIC_SPLIT: "
            """);
        yaml.Append(new string('x', 4096 - "TRAFFIC_SPLIT".Length + 6)).Append('"').Append('\n');
        yaml.Append("""
              jobs-dead-letters:
                type: aws:sqs/queue:Queue
              jobs:
                type: aws:sqs/queue:Queue
                properties:
                  messageRetentionSeconds: 1209600
                  redrivePolicy:
                    fn::toJSON: { deadLetterTargetArn: "${jobs-dead-letters.arn}", maxReceiveCount: 3 }
              jobs-trigger:
                type: aws:lambda/eventSourceMapping:EventSourceMapping
                properties:
                  eventSourceArn: ${jobs.arn}
                  functionName: ${tiny.arn}
              odd-period:
                type: aws:cloudwatch/metricAlarm:MetricAlarm
                properties:
                  comparisonOperator: GreaterThanThreshold
                  evaluationPeriods: 200
                  threshold: 1
                  metricQueries:
                    - { id: a, metric: { metricName: Errors, namespace: AWS/Lambda, period: 45, stat: Sum } }
                    - { id: b, metric: { metricName: Errors, namespace: AWS/Lambda, period: 3600, stat: Sum } }
              long-window:
                type: aws:cloudwatch/metricAlarm:MetricAlarm
                properties:
                  comparisonOperator: GreaterThanThreshold
                  evaluationPeriods: 2000
                  period: 60
                  metricName: Errors
                  namespace: AWS/Lambda
                  statistic: Sum
                  threshold: 1
              shared-key:
                type: aws:apigateway/apiKey:ApiKey
              tagged:
                type: aws:sqs/queue:Queue
                properties:
                  tags:

            """);
        for (var i = 0; i < 49; i++)
        {
            yaml.Append($"        tag{i}: v\n");
        }

        yaml.Append($"        {new string('k', 129)}: v\n        long: {new string('v', 257)}\n");
        for (var i = 0; i < 11; i++)
        {
            yaml.Append($"  plan{i}:\n    type: aws:apigateway/usagePlan:UsagePlan\n  plan{i}-key:\n    type: aws:apigateway/usagePlanKey:UsagePlanKey\n    properties:\n      keyId: ${{shared-key.id}}\n      keyType: API_KEY\n      usagePlanId: ${{plan{i}.id}}\n");
        }

        var text = yaml.ToString();
        return new DeployedStack("broken", null, new Dictionary<string, string> { ["aws:region"] = "eu-west-1" }, text, ProgramReader.Read(text));
    }
}
