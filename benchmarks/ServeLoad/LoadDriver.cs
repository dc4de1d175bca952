using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Headers;
using SkiaSharp;

namespace ServeLoad;

/// <summary>What one request got: its HTTP status (0 when the connection failed) and how long it took.</summary>
internal readonly record struct Outcome(int Status, double LatencyMs);

/// <summary>
/// Sends /predict requests through serve with a fixed number in flight. Every request carries a distinct image (a
/// rendered text line with the request's number appended after the PNG's end), so the function's prediction cache
/// misses and the model runs each time.
/// </summary>
internal sealed class LoadDriver(Uri predictUrl, string apiKey) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly byte[] _image = TextLine();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;

    /// <summary>Sends <paramref name="count"/> requests with <paramref name="concurrency"/> in flight.</summary>
    public async Task<Outcome[]> SendAsync(int count, int concurrency)
    {
        var outcomes = new Outcome[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                outcomes[index] = await SendOneAsync().ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Sends requests with <paramref name="concurrency"/> in flight until <paramref name="until"/> is cancelled.</summary>
    public async Task<List<Outcome>> SendUntilAsync(int concurrency, CancellationToken until)
    {
        var outcomes = new List<Outcome>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!until.IsCancellationRequested)
            {
                var outcome = await SendOneAsync().ConfigureAwait(false);
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }
            }
        })).ConfigureAwait(false);
        return outcomes;
    }

    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    public void Dispose() => _client.Dispose();

    private async Task<Outcome> SendOneAsync()
    {
        var number = Interlocked.Increment(ref _sent);
        var body = new byte[_image.Length + sizeof(long)];
        _image.CopyTo(body, 0);
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(_image.Length), number);
        using var request = new HttpRequestMessage(HttpMethod.Post, predictUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        request.Headers.Add("x-api-key", apiKey);
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return new Outcome((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            // Counted as a failure (status 0): the check fails on it, with the count in its report.
            return new Outcome(0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    /// <summary>An upright line of text, what the classifier labels "0"; data after IEND is ignored by PNG decoders.</summary>
    private static byte[] TextLine()
    {
        using var bitmap = new SKBitmap(192, 48);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 28);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText("load check 42", 6, 34, SKTextAlign.Left, font, paint);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }
}
