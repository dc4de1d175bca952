using Infra.Hosting;
using Infra.Quantization;

// `dotnet run --project components/Quantization -- <model.json> --out DIR [...]`: the quantize verb on a host of its
// own (see the project file for why). The stack definition is empty: quantize reads a model.json, not a stack.
return Deployment.Run(["quantize", .. args], _ => new Dictionary<string, object?>(), new DeploymentOptions { Commands = [new QuantizeCommand()] });
