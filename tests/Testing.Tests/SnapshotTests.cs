using Infra.Awsx.Ecr;
using Infra.Core;
using Infra.Testing;

namespace Testing.Tests;

/// <summary>Snapshots: written when missing (failing on CI), compared with a unified diff, rewritten on request, stable across machines.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("snapshots").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    private static readonly SnapshotOptions Local = new() { Update = false, ContinuousIntegration = false };

    [Fact]
    public void A_missing_snapshot_is_written_and_passes_locally()
    {
        var template = SampleStacks.Buckets();

        template.MatchesSnapshot(File("buckets.yaml"), Local);

        Assert.Equal(template.ToYaml(), System.IO.File.ReadAllText(File("buckets.yaml")));
        template.MatchesSnapshot(File("buckets.yaml"), Local);
    }

    [Fact]
    public void A_missing_snapshot_fails_on_CI_after_being_written()
    {
        var error = Assert.Throws<StackAssertionException>(() =>
            SampleStacks.Buckets().MatchesSnapshot(File("new/buckets.yaml"), new SnapshotOptions { Update = false, ContinuousIntegration = true }));

        Assert.Equal($"snapshot {File("new/buckets.yaml")}: expected the file, found none; it was written now. " +
            "On CI (CI=true) a new snapshot fails the test, so that none is accepted unreviewed: run the tests locally and commit the file.", error.Message);
        Assert.True(System.IO.File.Exists(File("new/buckets.yaml")));
    }

    [Fact]
    public void A_changed_program_fails_with_a_unified_diff_and_how_to_update()
    {
        var template = SampleStacks.Buckets();
        var yaml = template.ToYaml();
        System.IO.File.WriteAllText(File("buckets.yaml"), yaml.Replace("signs $$1 receipts", "signs receipts", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("signs $$1 receipts", StringComparison.Ordinal)) + 1;

        var error = Assert.Throws<StackAssertionException>(() => template.MatchesSnapshot(File("buckets.yaml"), Local));

        Assert.StartsWith($"snapshot {File("buckets.yaml")}: expected the program to match it, found differences:\n" +
            $"--- snapshot {File("buckets.yaml")}\n+++ program of stack 'dev'\n@@ -{line - 3},7 +{line - 3},7 @@\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("\n-      description: signs receipts\n+      description: signs $$1 receipts\n", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("If the change is intended, rerun the tests with MLSERVING_UPDATE_SNAPSHOTS=1 to rewrite the snapshot, and commit it.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_first_hunks_are_shown()
    {
        var template = SampleStacks.Buckets();
        var lines = template.ToYaml().Split('\n');
        // Every 20th line changed: far enough apart to make separate hunks.
        System.IO.File.WriteAllText(File("buckets.yaml"), string.Join('\n', lines.Select((l, i) => i % 20 == 10 ? l + " # old" : l)));

        var error = Assert.Throws<StackAssertionException>(() => template.MatchesSnapshot(File("buckets.yaml"), new SnapshotOptions { Update = false, ContinuousIntegration = false, MaxHunks = 2 }));

        Assert.Equal(2, error.Message.Split('\n').Count(l => l.StartsWith("@@ ", StringComparison.Ordinal)));
        Assert.Matches(@"\n\.\.\. and [1-9][0-9]* more hunk\(s\)\n", error.Message);
    }

    [Fact]
    public void The_update_switch_rewrites_a_changed_snapshot()
    {
        var template = SampleStacks.Buckets();
        System.IO.File.WriteAllText(File("buckets.yaml"), "old\n");

        template.MatchesSnapshot(File("buckets.yaml"), new SnapshotOptions { Update = true, ContinuousIntegration = true });

        Assert.Equal(template.ToYaml(), System.IO.File.ReadAllText(File("buckets.yaml")));
    }

    [Fact]
    public void A_relative_path_is_beside_the_calling_test_file()
    {
        var name = $"snapshot-{Guid.NewGuid():N}.yaml";
        var beside = Path.Combine(Path.GetDirectoryName(ThisFile())!, name);
        try
        {
            SampleStacks.Buckets().MatchesSnapshot(name, Local);
            Assert.True(System.IO.File.Exists(beside));
        }
        finally
        {
            System.IO.File.Delete(beside);
        }
    }

    [Fact]
    public void The_container_image_tag_hash_is_masked_and_nothing_else_is()
    {
        var stack = new Stack("proj", "dev");
        new Image(stack, "image", new ImageArgs { RepositoryUrl = "example", ImageTag = "src-0123456789abcdef", Context = ".." });
        new Image(stack, "pinned", new ImageArgs { RepositoryUrl = "example", ImageTag = "v1.2.3" });

        var template = StackTemplate.FromStack(stack);
        var yaml = template.ToYaml();

        Assert.Contains("imageTag: src-(content hash)\n", yaml, StringComparison.Ordinal);
        Assert.Contains("imageTag: v1.2.3", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", yaml, StringComparison.Ordinal);
        Assert.Equal("src-0123456789abcdef", template.Property("image", "imageTag"));
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
