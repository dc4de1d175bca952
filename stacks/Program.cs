using Infra.Hosting;
using Infra.Local;
using Infra.Local.Tuning;
using Infra.Registry;
using Stacks;

// One call into the host, like Pulumi's Deployment.RunAsync: `synth` (what Pulumi.yaml runs),
// `preview` (plan, policy, cost, diagram), `serve` (local mode), `tune` (power tuning), `model` (the model registry),
// `function-builds` (what deploy/compile.sh publishes), `--help`.
// Verbs do their work only when run, so `synth` stays fast.
return Deployment.Run(args, TeamStacks.Define, new DeploymentOptions { Commands = [new ServeCommand(), new TuneCommand(), new ModelCommand(), new FunctionBuildsCommand()] });
