using System.Globalization;
using Infra.Hosting;
using Infra.Local;
using ServeLoad;

// dotnet benchmarks/ServeLoad/bin/Release/net10.0/ServeLoad.dll load [REQUESTS] [PORT] [check|report]  (memory growth: a failure, or only reported)
// dotnet benchmarks/ServeLoad/bin/Release/net10.0/ServeLoad.dll soak [MINUTES] [CONCURRENCY] [PORT]
// (benchmarks/ServeLoad/check.sh builds it and runs either; the `serve` verb is the child process they start.)
var invariant = CultureInfo.InvariantCulture;
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], invariant) : fallback;

switch (args.FirstOrDefault())
{
    case "serve":
        return Deployment.Run(args, LoadStack.Define, new DeploymentOptions { Commands = [new ServeCommand()], DefaultStack = LoadStack.Name });
    case "load":
        return await LoadCheck.RunAsync(Arg(1, 20_000), Arg(2, 4400), args.ElementAtOrDefault(3) != "report", Console.Out, Console.Error);
    case "soak":
        return await SoakRun.RunAsync(TimeSpan.FromMinutes(Arg(1, 10)), TimeSpan.FromMinutes(1), Arg(2, 4), Arg(3, 4400), Console.Out, Console.Error);
    default:
        await Console.Error.WriteLineAsync("usage: ServeLoad load [REQUESTS] [PORT] [check|report] | soak [MINUTES] [CONCURRENCY] [PORT]");
        return 2;
}
