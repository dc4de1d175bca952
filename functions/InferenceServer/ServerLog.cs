using System.Buffers;
using System.Text;
using System.Text.Json;
using Inference.Protocol;

namespace InferenceServer;

/// <summary>
/// The server's own lifecycle lines (listening, ready, draining, stopped), one JSON object per line in the shape of the
/// library's request lines (<c>timestamp</c>, <c>level</c>, <c>message</c>), so one log query reads both.
/// </summary>
internal sealed class ServerLog(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Info(string message, params (string Name, object? Value)[] fields) => Write("INFO", message, fields);

    public void Error(string message, params (string Name, object? Value)[] fields) => Write("ERROR", message, fields);

    private void Write(string level, string message, (string Name, object? Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, JsonBody.Options))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", DateTimeOffset.UtcNow);
            w.WriteString("level", level);
            w.WriteString("message", message);
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case null:
                        w.WriteNull(name);
                        break;
                    case int number:
                        w.WriteNumber(name, number);
                        break;
                    case long number:
                        w.WriteNumber(name, number);
                        break;
                    case double number:
                        w.WriteNumber(name, number);
                        break;
                    default:
                        w.WriteString(name, value.ToString());
                        break;
                }
            }

            w.WriteEndObject();
        }

        lock (_lock)
        {
            output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
            output.Flush();
        }
    }
}
