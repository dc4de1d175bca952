using System.Globalization;
using Microsoft.ML.OnnxRuntime;

// ColdStartFloor MODEL.onnx [INTRA_OP_THREADS]
// The floor of issue 9's cold-start target: creates one session the way any bare program would (ONNX Runtime's
// defaults: ORT_ENABLE_ALL), runs the model once on a constant input of its declared shape, prints the first output
// value and exits. Nothing else. Given the function's pre-optimised graph instead of the model's own file, it separates
// that graph's share of the cold start from the function's own.
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: ColdStartFloor MODEL.onnx [INTRA_OP_THREADS]");
    return 2;
}

using var options = new SessionOptions { IntraOpNumThreads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0 };
using var session = new InferenceSession(args[0], options);
var (name, input) = session.InputMetadata.First();
var shape = input.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
Array.Fill(data, 0.5f);
using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, [name], [tensor], [session.OutputNames[0]]);
Console.WriteLine(outputs[0].GetTensorDataAsSpan<float>()[0].ToString(CultureInfo.InvariantCulture));
return 0;
