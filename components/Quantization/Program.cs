using Infra.Hosting;
using Infra.Quantization;

// `dotnet run --project components/Quantization -- <model.json> --out DIR [...]`: the quantize verb on a host of its
// own (see the project file for why); `-- dynamic-batch <model.json> --out DIR` the copy with a dynamic batch dimension.
// The stack definition is empty: both verbs read a model.json, not a stack.
var dynamicBatch = new DynamicBatchCommand();
string[] line = args is [var verb, ..] && verb == dynamicBatch.Name ? args : ["quantize", .. args];
return Deployment.Run(line, _ => new Dictionary<string, object?>(), new DeploymentOptions { Commands = [new QuantizeCommand(), dynamicBatch] });
