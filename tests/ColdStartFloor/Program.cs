using System.Globalization;
using Microsoft.ML.OnnxRuntime;

// ColdStartFloor MODEL.onnx|MODEL.ort [INTRA_OP_THREADS]
// The floor of issue 9's cold-start target: creates one session, runs the model once on a constant input of its
// declared shape, prints the first output value and exits. Nothing else. An .onnx file is opened as any bare
// program would (ONNX Runtime's defaults: ORT_ENABLE_ALL); an .ort file is read into memory and used in place,
// the same way the function opens its pre-optimised graph, so that the two floors separate the model format's
// share from the function's own.
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: ColdStartFloor MODEL.onnx|MODEL.ort [INTRA_OP_THREADS]");
    return 2;
}

using var options = new SessionOptions { IntraOpNumThreads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0 };
byte[]? ortBytes = null;
if (args[0].EndsWith(".ort", StringComparison.Ordinal))
{
    ortBytes = GC.AllocateUninitializedArray<byte>(checked((int)new FileInfo(args[0]).Length), pinned: true);
    using var file = File.OpenRead(args[0]);
    file.ReadExactly(ortBytes);
    options.AddSessionConfigEntry("session.use_ort_model_bytes_directly", "1");
    options.AddSessionConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
}

using var session = ortBytes is null ? new InferenceSession(args[0], options) : new InferenceSession(ortBytes, options);
var (name, input) = session.InputMetadata.First();
var shape = input.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
Array.Fill(data, 0.5f);
using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, [name], [tensor], [session.OutputNames[0]]);
Console.WriteLine(outputs[0].GetTensorDataAsSpan<float>()[0].ToString(CultureInfo.InvariantCulture));
GC.KeepAlive(ortBytes);
return 0;
