using Inference.Service;
using TestModels;

namespace Inference.Tests.Ensembles;

/// <summary>MODEL_NAME as a comma-separated list: a router's shared function serves its models and leaves the others in the folder alone.</summary>
public sealed class ModelNameListTests
{
    [Fact]
    public void A_list_serves_exactly_the_named_models_and_a_missing_one_is_refused_naming_what_there_is()
    {
        using var folder = new TempDirectory();
        foreach (var name in new[] { "a", "b", "c" })
        {
            EnsembleModels.Write(folder.Path, name, EnsembleModels.Linear([0f, 0f, 0f]), null);
        }

        Assert.Equal(["a", "c"], ModelCatalog.Discover(folder.Path, "a, c").Select(d => d.Name));
        Assert.Equal(["b"], ModelCatalog.Discover(folder.Path, "b").Select(d => d.Name));
        var error = Assert.Throws<InvalidOperationException>(() => ModelCatalog.Discover(folder.Path, "a,d"));
        Assert.Equal($"MODEL_NAME is 'a,d' but MODEL_DIR '{folder.Path}' has only: a, b, c.", error.Message);
        Assert.Throws<InvalidOperationException>(() => ModelCatalog.Discover(folder.Path, ","));
    }
}
