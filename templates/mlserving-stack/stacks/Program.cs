using Infra.Sdk;
using Team.Inference.Stacks;

// One call into the host: `synth` (what Pulumi.yaml runs), `preview` (plan, policy findings, monthly cost),
// `serve` (the stack on this machine), `tune`, `model` and `--help`.
return StackHost.Run(args, InferenceStack.Define);
