using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Caching;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using Moq;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>The batch handler over the real inference service and PP-OCR's classifier, whose batch dimension is dynamic.</summary>
public sealed class SqsS3BatchRealServiceTests
{
    [Fact]
    public async Task ABatchOfImages_RunsTheModelOnce_AndEachObjectGetsItsOwnRecord()
    {
        var objects = new Dictionary<string, byte[]>();
        for (var i = 0; i < 6; i++)
        {
            objects[$"lines/{i}.png"] = TextLines.Png("Quick brown fox", upsideDown: i % 2 == 1);
        }

        objects["lines/corrupt.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9];
        var written = new Dictionary<string, JsonElement>();
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(c => c.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetObjectRequest r, CancellationToken _) => new GetObjectResponse { ResponseStream = new MemoryStream(objects[r.Key]) });
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((PutObjectRequest r, CancellationToken _) =>
            {
                written[r.Key] = JsonDocument.Parse(r.InputStream).RootElement.Clone();
                return new PutObjectResponse();
            });
        using var service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
            ModelName = "ppocr-cls",
            IntraOpThreads = 1,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, TextWriter.Null);
        var model = await service.Models.GetAsync("ppocr-cls", default);
        var messages = objects.Keys.Select((key, i) => new SqsMessage
        {
            MessageId = $"m{i}",
            EventSource = "aws:sqs",
            Body = $$$"""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"in"},"object":{"key":"{{{key}}}","size":1} } }]}""",
        }).ToArray();
        var invocation = Invocations.WithPayload("{}");

        var runsBefore = model.RunCount;
        var failures = await new SqsS3BatchHandler(service, new S3ObjectStore(s3.Object), new BatchOptions("results", "out/", "ppocr-cls", "2.0.0"), TextWriter.Null)
            .HandleAsync(messages, invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);

        Assert.Empty(failures.BatchItemFailures);
        Assert.Equal(1, model.RunCount - runsBefore);
        Assert.Equal(objects.Keys.Select(k => $"out/ppocr-cls/2.0.0/{k}.json").Order(), written.Keys.Order());
        for (var i = 0; i < 6; i++)
        {
            var record = written[$"out/ppocr-cls/2.0.0/lines/{i}.png.json"];
            Assert.Equal(200, record.GetProperty("status").GetInt32());
            Assert.Equal(i % 2 == 1 ? "180" : "0", record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString());
        }

        var corrupt = written["out/ppocr-cls/2.0.0/lines/corrupt.png.json"];
        Assert.Equal((400, "invalid_image"), (corrupt.GetProperty("status").GetInt32(), corrupt.GetProperty("response").GetProperty("code").GetString()));
    }
}
