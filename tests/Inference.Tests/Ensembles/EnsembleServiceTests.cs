using System.Text.Json;
using Inference.Ensembles;
using TestModels;

namespace Inference.Tests.Ensembles;

/// <summary>Ensembles on the real service: members are real ONNX models run in parallel, their answers combined.</summary>
public sealed class EnsembleServiceTests : IAsyncLifetime
{
    private EnsembleStack _stack = null!;

    public async Task InitializeAsync() => _stack = await EnsembleStack.CreateAsync();

    public Task DisposeAsync()
    {
        _stack.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Weighted_voting_gives_each_members_top_class_its_weight_and_scores_are_shares_of_the_answering_weight()
    {
        // cls-a (weight 1) and cls-c (1) put 'a' first, cls-b (3) puts 'b' first: b has 3 of 5, a has 2 of 5.
        var response = await _stack.PredictAsync("vote3");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("false", response.Headers["X-Ensemble-Degraded"]);
        var body = response.Json();
        Assert.Equal("vote3", body.GetProperty("model_name").GetString());
        Assert.Equal("vote", body.GetProperty("combine").GetString());
        var predictions = body.GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        Assert.Equal("b", predictions[0].GetProperty("label").GetString());
        Assert.Equal(0.6, predictions[0].GetProperty("score").GetDouble(), 9);
        Assert.Equal(["cls-b"], predictions[0].GetProperty("votes").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("a", predictions[1].GetProperty("label").GetString());
        Assert.Equal(0.4, predictions[1].GetProperty("score").GetDouble(), 9);
        Assert.Equal(["cls-a", "cls-c"], predictions[1].GetProperty("votes").EnumerateArray().Select(v => v.GetString()));
        var members = body.GetProperty("ensemble");
        Assert.False(members.GetProperty("degraded").GetBoolean());
        Assert.Equal(5, members.GetProperty("answeredWeight").GetDouble());
        Assert.Equal(["cls-a", "cls-b", "cls-c"], members.GetProperty("answered").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.Equal("1.0.0", members.GetProperty("answered")[0].GetProperty("version").GetString());
        Assert.Equal(0, members.GetProperty("failed").GetArrayLength());
        Assert.StartsWith("req-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Averaging_classifiers_is_soft_voting_over_their_scores()
    {
        var predictions = (await _stack.PredictAsync("soft")).Json().GetProperty("predictions");

        // (0.6 + 0.2) / 2, (0.3 + 0.7) / 2, (0.1 + 0.1) / 2
        Assert.Equal(["b", "a", "c"], predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.Equal([0.5, 0.4, 0.1], predictions.EnumerateArray().Select(p => Math.Round(p.GetProperty("score").GetDouble(), 6)));
    }

    [Fact]
    public async Task Embeddings_are_averaged_with_the_members_weights()
    {
        var embedding = (await _stack.PredictAsync("emb")).Json().GetProperty("embedding");

        // (1×[1,2,3] + 3×[3,2,1]) / 4
        Assert.Equal([2.5, 2.0, 1.5], embedding.EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
    }

    [Fact]
    public async Task Regression_outputs_are_averaged_element_by_element_through_infer_and_the_request_id_is_echoed()
    {
        // x's channels are 1, 1, 1: reg-a = 1×1 + 0 = 1, reg-b = 2×1 + 1 = 3, fragile = mean + 0 = 1 (weight 2): (1 + 3 + 2) / 4 = 1.5.
        var response = await _stack.InferAsync("reg", EnsembleModels.InferBody(1, 1, 1));

        Assert.Equal(200, response.StatusCode);
        var body = response.Json();
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([1L, 3L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([1.5, 1.5, 1.5], output.GetProperty("data").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
        Assert.Equal("ens-1", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_member_that_fails_degrades_the_answer_which_names_it_and_its_error_and_the_rest_still_answer()
    {
        // Channels of 3: fragile's model run fails (a value of 2 or more); reg-a = 3, reg-b = 7, so (3 + 7) / 2 = 5.
        var response = await _stack.InferAsync("reg", EnsembleModels.InferBody(3, 3, 3));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("true", response.Headers["X-Ensemble-Degraded"]);
        var body = response.Json();
        Assert.Equal([5.0, 5.0, 5.0], body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
        var ensemble = body.GetProperty("ensemble");
        Assert.True(ensemble.GetProperty("degraded").GetBoolean());
        Assert.Equal(2, ensemble.GetProperty("answeredWeight").GetDouble());
        Assert.Equal(4, ensemble.GetProperty("totalWeight").GetDouble());
        var failed = Assert.Single(ensemble.GetProperty("failed").EnumerateArray());
        Assert.Equal("fragile", failed.GetProperty("model").GetString());
        Assert.Equal(500, failed.GetProperty("status").GetInt32());
        Assert.Equal("internal_error", failed.GetProperty("code").GetString());
        Assert.Contains("Gather", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"message\":\"ensemble_request\"", _stack.Log.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"EnsembleDegraded\":1", _stack.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_past_its_timeout_is_left_out_and_reported_as_a_504_member_timeout()
    {
        var response = await _stack.PredictAsync("timed");

        Assert.Equal(200, response.StatusCode);
        var body = response.Json();
        var winner = Assert.Single(body.GetProperty("predictions").EnumerateArray());
        Assert.Equal("a", winner.GetProperty("label").GetString());
        Assert.Equal(1.0, winner.GetProperty("score").GetDouble());
        var failed = Assert.Single(body.GetProperty("ensemble").GetProperty("failed").EnumerateArray());
        Assert.Equal("slow", failed.GetProperty("model").GetString());
        Assert.Equal(504, failed.GetProperty("status").GetInt32());
        Assert.Equal(EnsembleService.TimeoutCode, failed.GetProperty("code").GetString());
        Assert.Contains("30 ms", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_of_another_kind_is_left_out_as_incompatible()
    {
        var body = (await _stack.PredictAsync("mixed")).Json();

        Assert.Equal([1.0, 2.0, 3.0], body.GetProperty("embedding").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
        var failed = Assert.Single(body.GetProperty("ensemble").GetProperty("failed").EnumerateArray());
        Assert.Equal("reg-a", failed.GetProperty("model").GetString());
        Assert.Equal(EnsembleService.IncompatibleCode, failed.GetProperty("code").GetString());
        Assert.Contains("answered 'output', not 'embedding'", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_member_refuses_the_input_alike_the_answer_is_that_4xx_with_each_members_reason()
    {
        var response = await _stack.InferAsync("reg", """{"inputs":[{"name":"x","shape":[1,3,2,2],"datatype":"FP32","data":[0,0,0,0,0,0,0,0,0,0,0,0]}]}""");

        Assert.Equal(400, response.StatusCode);
        var body = response.Json();
        Assert.Equal("shape_mismatch", body.GetProperty("code").GetString());
        Assert.Contains("Every member of ensemble 'reg' refused the request", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, body.GetProperty("failed").GetArrayLength());
    }

    [Fact]
    public async Task When_no_member_answers_for_other_reasons_the_answer_is_a_503_naming_each_failure()
    {
        var response = await _stack.InferAsync("doomed", EnsembleModels.InferBody(3, 3, 3));

        Assert.Equal(503, response.StatusCode);
        var body = response.Json();
        Assert.Equal(EnsembleService.UnavailableCode, body.GetProperty("code").GetString());
        Assert.Equal(["internal_error", EnsembleService.TimeoutCode], body.GetProperty("failed").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        Assert.Contains("\"level\":\"ERROR\",\"message\":\"ensemble_request\"", _stack.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_readiness_and_other_models_answer_as_usual()
    {
        var metadata = (await _stack.Service.HandleAsync(Requests.Get("/v2/models/vote3"), default)).Json();
        Assert.Equal("ensemble", metadata.GetProperty("platform").GetString());
        Assert.Equal([1.0, 3.0, 1.0], metadata.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("weight").GetDouble()));
        Assert.Equal(5000, metadata.GetProperty("members")[2].GetProperty("timeoutMs").GetDouble());

        var ready = await _stack.Service.HandleAsync(Requests.Get("/v2/models/vote3/ready"), default);
        Assert.Equal(200, ready.StatusCode);
        Assert.True(ready.Json().GetProperty("members").GetProperty("cls-b").GetBoolean());

        Assert.Equal(405, (await _stack.Service.HandleAsync(Requests.Get("/v2/models/vote3/infer"), default)).StatusCode);
        Assert.Equal(404, (await _stack.Service.HandleAsync(Requests.Post("/v2/models/vote3/versions/1/predict", [1], "image/png"), default)).StatusCode);
        var single = await _stack.PredictAsync("cls-a");
        Assert.Equal("a", single.Json().GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.False(single.Headers.ContainsKey("X-Ensemble-Degraded"));
    }
}
