using System.Globalization;
using Infra.Components;
using Infra.Configuration;

namespace Stacks;

/// <summary>
/// The team stacks' rollout keys: <c>rollout</c> (true: new versions go out in steps; false: at once),
/// <c>rolloutSteps</c> (percentages, e.g. <c>5,25,50,100</c>; <c>100</c> alone is an immediate switch that still
/// bakes and rolls back on an alarm) and <c>rolloutBakeMinutes</c>.
/// </summary>
internal static class RolloutConfig
{
    public static GradualRolloutArgs? Read(StackConfig config, bool production)
    {
        var bakeMinutes = config.GetInt32("rolloutBakeMinutes", production ? 10 : 2, 1, GradualRolloutArgs.MaxBakeMinutes);
        var steps = Steps(config);
        return config.GetBoolean("rollout", true)
            ? new GradualRolloutArgs { StepsPercent = steps, Bake = TimeSpan.FromMinutes(bakeMinutes) }
            : null;
    }

    private static IReadOnlyList<int> Steps(StackConfig config)
    {
        var raw = config.GetString("rolloutSteps");
        if (raw is null)
        {
            return GradualRolloutArgs.DefaultSteps;
        }

        var parts = raw.Split(',', StringSplitOptions.TrimEntries);
        var steps = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                config.AddProblem("rolloutSteps", raw, "comma-separated whole percentages such as 5,25,50,100");
                return GradualRolloutArgs.DefaultSteps;
            }

            steps.Add(step);
        }

        if (GradualRolloutArgs.StepsProblem(steps) is { } problem)
        {
            config.AddProblem("rolloutSteps", raw, problem);
            return GradualRolloutArgs.DefaultSteps; // reported as a config error; no program is emitted
        }

        return steps;
    }
}
