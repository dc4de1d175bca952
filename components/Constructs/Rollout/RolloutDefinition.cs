using System.Globalization;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The rollout's Step Functions state machine (Amazon States Language, JSONata), written from the steps:
/// read the target version from the SSM parameter and the stable one from the <c>live</c> alias; then per step shift
/// traffic, bake while checking the alarms every interval, and go on, or roll back to the stable version and fail.
/// Every AWS call is an SDK service integration (<c>arn:aws:states:::aws-sdk:...</c>); no code of ours runs.
/// </summary>
/// <remarks>
/// A newer <c>pulumi up</c> writes a newer version into the parameter and starts a second execution; the older one
/// sees the parameter change at its next check and ends as <c>Superseded</c> without touching traffic again.
/// </remarks>
internal sealed class RolloutDefinition(GradualRolloutArgs args, IRolloutTraffic traffic, Input<string> targetParameter, IReadOnlyList<Input<string>> alarmNames)
{
    public const string RollBack = "RollBack";
    public const string Failed = "RolloutFailed";
    public const string Superseded = "Superseded";
    public const string Done = "RolledOut";
    public const string NothingToDo = "AlreadyLive";

    private static readonly Dictionary<string, object>[] RetryThrottles =
    [
        new()
        {
            ["ErrorEquals"] = new[] { "States.ALL" },
            ["IntervalSeconds"] = 2,
            ["MaxAttempts"] = 4,
            ["BackoffRate"] = 2,
            ["JitterStrategy"] = "FULL",
        },
    ];

    public static string Step(int index, string phase) => $"Step{index + 1}{phase}";

    public Dictionary<string, object> Build()
    {
        var states = new Dictionary<string, object>
        {
            ["ReadTarget"] = Task("ssm:getParameter", new Dictionary<string, object> { ["Name"] = targetParameter }, "ReadStable",
                new Dictionary<string, object> { ["target"] = "{% $states.result.Parameter.Value %}" }),
        };
        var firstShift = Step(0, "Shift");
        Add(states, traffic.ReadStable("ReadStable", "Decide"));
        states["Decide"] = new Dictionary<string, object>
        {
            ["Type"] = "Choice",
            ["Choices"] = new object[] { Condition("{% $stable = $target %}", NothingToDo) },
            ["Default"] = traffic.HasPreparation ? "Prepare" : firstShift,
        };
        if (traffic.HasPreparation)
        {
            Add(states, traffic.Prepare("Prepare", firstShift));
        }

        states[NothingToDo] = new Dictionary<string, object> { ["Type"] = "Succeed", ["Comment"] = "The target version already serves all traffic." };

        var steps = args.StepsPercent;
        for (var i = 0; i < steps.Count; i++)
        {
            var last = i + 1 == steps.Count;
            var next = !last ? Step(i + 1, "Shift") : traffic.HasFinish ? "Finish" : Done;
            Add(states, traffic.Shift(Step(i, "Shift"), steps[i], Step(i, "Bake")));
            StartCounting((Dictionary<string, object>)states[Step(i, "Shift")]);
            states[Step(i, "Bake")] = new Dictionary<string, object> { ["Type"] = "Wait", ["Seconds"] = args.CheckIntervalSeconds, ["Next"] = Step(i, "Check") };
            states[Step(i, "Check")] = Task("cloudwatch:describeAlarms",
                new Dictionary<string, object> { ["AlarmNames"] = alarmNames.ToArray(), ["StateValue"] = "ALARM" }, Step(i, "Current"),
                new Dictionary<string, object>
                {
                    ["firing"] = "{% [$states.result.MetricAlarms.AlarmName] %}",
                    ["checks"] = "{% $checks + 1 %}",
                });
            states[Step(i, "Current")] = Task("ssm:getParameter", new Dictionary<string, object> { ["Name"] = targetParameter }, Step(i, "Judge"),
                new Dictionary<string, object> { ["latest"] = "{% $states.result.Parameter.Value %}" });
            states[Step(i, "Judge")] = new Dictionary<string, object>
            {
                ["Type"] = "Choice",
                ["Choices"] = new object[]
                {
                    Condition("{% $count($firing) > 0 %}", RollBack),
                    Condition("{% $latest != $target %}", Superseded),
                    Condition($"{{% $checks < {args.ChecksPerStep.ToString(CultureInfo.InvariantCulture)} %}}", Step(i, "Bake")),
                },
                ["Default"] = next,
            };
        }

        if (traffic.HasFinish)
        {
            Add(states, traffic.Finish("Finish", Done));
        }

        Add(states, traffic.Restore(RollBack, Failed));
        states[Done] = new Dictionary<string, object> { ["Type"] = "Succeed", ["Comment"] = "All traffic is on the target version and no alarm fired." };
        states[Superseded] = new Dictionary<string, object> { ["Type"] = "Succeed", ["Comment"] = "A newer deployment took over; its execution owns the traffic now." };
        states[Failed] = new Dictionary<string, object>
        {
            ["Type"] = "Fail",
            ["Error"] = "RolloutFailed",
            ["Cause"] = "{% 'Version ' & $target & ' was rolled back to version ' & $stable & '; firing: ' & $join($firing, ', ') %}",
        };

        return new Dictionary<string, object>
        {
            ["Comment"] = $"Gradual rollout {string.Join(" -> ", steps.Select(s => s.ToString(CultureInfo.InvariantCulture) + "%"))}, {TimeUnit.Minutes.Count(args.Bake)} min per step, rollback on any alarm",
            ["QueryLanguage"] = "JSONata",
            ["StartAt"] = "ReadTarget",
            ["States"] = states,
        };
    }

    /// <summary>Each step counts its alarm checks from 0.</summary>
    private static void StartCounting(Dictionary<string, object> shift)
    {
        var assign = shift.TryGetValue("Assign", out var existing) ? (Dictionary<string, object>)existing : [];
        assign["checks"] = 0;
        shift["Assign"] = assign;
    }

    private static void Add(Dictionary<string, object> states, IEnumerable<KeyValuePair<string, Dictionary<string, object>>> more)
    {
        foreach (var (name, state) in more)
        {
            states.Add(name, state);
        }
    }

    public static Dictionary<string, object> Task(string api, Dictionary<string, object> arguments, string next, Dictionary<string, object>? assign = null)
    {
        var task = new Dictionary<string, object>
        {
            ["Type"] = "Task",
            ["Resource"] = $"arn:aws:states:::aws-sdk:{api}",
            ["Arguments"] = arguments,
            ["Retry"] = RetryThrottles,
            ["Next"] = next,
        };
        if (assign is not null)
        {
            task["Assign"] = assign;
        }

        return task;
    }

    public static Dictionary<string, object> Condition(string condition, string next) => new() { ["Condition"] = condition, ["Next"] = next };

    /// <summary>A traffic change that still fails after its retries rolls back, naming the error as what fired.</summary>
    public static Dictionary<string, object> Shifting(Dictionary<string, object> task)
    {
        task["Catch"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["ErrorEquals"] = new[] { "States.ALL" },
                ["Assign"] = new Dictionary<string, object> { ["firing"] = "{% ['traffic change failed: ' & $states.errorOutput.Error] %}" },
                ["Next"] = RollBack,
            },
        };
        return task;
    }
}
