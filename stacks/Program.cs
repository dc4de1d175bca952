using Infra.Sdk;
using Stacks;

// One call into the host: `synth` (what Pulumi.yaml runs), `preview` (plan, policy, cost, diagram), `serve` (local
// mode), `tune` (power tuning), `model` (the model registry), `function-builds` (what deploy/compile.sh publishes), `--help`.
return StackHost.Run(args, TeamStacks.Define);
