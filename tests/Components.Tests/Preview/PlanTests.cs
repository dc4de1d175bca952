using Infra.Aws.S3;
using Infra.Components;
using Infra.Core;
using Infra.Preview;
using Infra.Core.Synthesis;

namespace Components.Tests.Preview;

public sealed class PlanTests
{
    private const string Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/inference@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static StackPlan PlanOfSmallStack()
    {
        var stack = new Stack("ml", "dev");
        new InferenceFunction(stack, "scorer", new InferenceFunctionArgs
        {
            ImageUri = Image,
            Memory = DataSize.FromMebibytes(1024),
            Architecture = LambdaArchitecture.Arm64,
            LogRetention = TimeSpan.FromDays(14),
            ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 3 } },
        });
        new EncryptedBucket(stack, "data", new EncryptedBucketArgs { Protect = true });
        new Bucket(stack, "loose", new BucketArgs());
        return StackPlan.Of(new ProgramGraph(stack));
    }

    [Fact]
    public void Components_are_listed_parents_first_with_their_own_resources_counted_by_type()
    {
        var plan = PlanOfSmallStack();

        Assert.Equal(["(stack)", "data", "scorer", "scorer/concurrency"], plan.Components.Select(c => c.Path));
        var scorer = plan.Components.Single(c => c.Path == "scorer");
        Assert.Equal("ml:InferenceFunction", scorer.Type);
        Assert.Equal(0, scorer.Depth);
        Assert.Equal(
            [
                new ResourceCount("aws:cloudwatch:LogGroup", 1), new ResourceCount("aws:iam:Role", 1), new ResourceCount("aws:iam:RolePolicy", 1),
                new ResourceCount("aws:kms:Key", 1), new ResourceCount("aws:lambda:Alias", 1), new ResourceCount("aws:lambda:Function", 1),
                new ResourceCount("aws:lambda:FunctionEventInvokeConfig", 1), new ResourceCount("aws:sqs:Queue", 1),
            ],
            scorer.Counts);
        Assert.Equal(8, scorer.OwnResources);

        // The schedule: a scalable target, a peak and three scale-down steps.
        var schedule = plan.Components.Single(c => c.Path == "scorer/concurrency");
        Assert.Equal(1, schedule.Depth);
        Assert.Equal([new ResourceCount("aws:appautoscaling:ScheduledAction", 4), new ResourceCount("aws:appautoscaling:Target", 1)], schedule.Counts);
        Assert.Equal(13, scorer.TotalResources);

        Assert.Equal([new ResourceCount("aws:s3:Bucket", 1)], plan.Components.Single(c => c.Path == "(stack)").Counts);
        Assert.Equal(plan.ResourceCount, plan.Components.Sum(c => c.OwnResources));
    }

    [Fact]
    public void Key_settings_come_from_the_emitted_inputs()
    {
        var plan = PlanOfSmallStack();

        var scorer = plan.Components.Single(c => c.Path == "scorer").Settings;
        Assert.Contains("memory 1024 MB, timeout 29 s, arm64, container image", scorer);
        Assert.Contains("log retention (logs): 14 days", scorer);
        Assert.Contains(scorer, s => s.StartsWith("queue dead-letters: visibility 30 s, retention 14 days", StringComparison.Ordinal));
        var schedule = plan.Components.Single(c => c.Path == "scorer/concurrency").Settings;
        Assert.Contains("provisioned concurrency: 1 to 1 instances", schedule);
        Assert.Contains("schedule weekday-peak: cron(0 8 ? * MON-FRI *) UTC -> 3 to 3 instances", schedule);
        Assert.Contains("protected from deletion: key, bucket", plan.Components.Single(c => c.Path == "data").Settings);
    }

    [Fact]
    public void The_printed_plan_indents_nested_components_and_is_the_same_every_time()
    {
        var first = new StringWriter();
        var second = new StringWriter();
        PlanWriter.Write(PlanOfSmallStack(), first);
        PlanWriter.Write(PlanOfSmallStack(), second);

        Assert.Equal(first.ToString(), second.ToString());
        var text = first.ToString();
        Assert.StartsWith("Plan: stack 'dev' of project 'ml': 23 resources in 3 components", text, StringComparison.Ordinal);
        Assert.Contains("\nscorer (ml:InferenceFunction): 8 resources (13 with its components)\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  scorer/concurrency (ml:ProvisionedConcurrencySchedule): 5 resources\n", text, StringComparison.Ordinal);
        Assert.Contains("\n      4  aws:appautoscaling:ScheduledAction\n", text, StringComparison.Ordinal);
    }
}
