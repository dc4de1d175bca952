using System.Globalization;
using System.Text;
using LambdaEmulator;

// lambda-emulator [--timeout SECONDS] [--env NAME=VALUE]... --function PATH EVENT.json...
// Starts the published function (a .dll runs under `dotnet`, anything else directly) behind a local
// Runtime API, invokes each event file in turn, and prints one line per result.
const string Usage = "usage: lambda-emulator [--timeout SECONDS] [--env NAME=VALUE]... --function PATH EVENT.json...";

string? functionPath = null;
var timeout = TimeSpan.FromSeconds(30);
var environment = new Dictionary<string, string>();
var events = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--function" when i + 1 < args.Length:
            functionPath = args[++i];
            break;
        case "--timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds):
            timeout = TimeSpan.FromSeconds(seconds);
            i++;
            break;
        case "--env" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
            var pair = args[++i].Split('=', 2);
            environment[pair[0]] = pair[1];
            break;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync($"unknown or incomplete option '{args[i]}'\n{Usage}");
                return 2;
            }

            events.Add(args[i]);
            break;
    }
}

if (functionPath is null || events.Count == 0)
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var definition = FunctionDefinition.ForPublishedFunction(functionPath, environment, timeout);
await using var emulator = await FunctionEmulator.StartAsync(definition, Console.Error);
var failures = 0;
foreach (var eventFile in events)
{
    var result = await emulator.InvokeAsync(await File.ReadAllBytesAsync(eventFile));
    failures += result.Status == InvocationStatus.Succeeded ? 0 : 1;
    await Console.Out.WriteLineAsync(
        $"{eventFile}: {result.Status} in {result.Duration.TotalMilliseconds:0.0} ms{(result.ColdStart ? " (cold start)" : string.Empty)}");
    await Console.Out.WriteLineAsync(Encoding.UTF8.GetString(result.Payload));
}

return failures == 0 ? 0 : 1;
