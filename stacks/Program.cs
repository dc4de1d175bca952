using Infra.Hosting;
using Stacks;

// One call into the host, like Pulumi's Deployment.RunAsync: `synth` (what Pulumi.yaml runs), `--help`.
return Deployment.Run(args, TeamStacks.Define);
