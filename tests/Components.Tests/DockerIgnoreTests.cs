using CsCheck;
using Infra.Components;

namespace Components.Tests;

/// <summary>
/// .dockerignore matching as Docker documents it (docs.docker.com, "Build context", .dockerignore files): the
/// documentation's own examples, the rules our allow-list relies on, and the folder pruning checked against the
/// plain file-by-file rule.
/// </summary>
public sealed class DockerIgnoreTests
{
    private static bool Excluded(string path, params string[] lines) => new DockerIgnore(lines).Excludes(path);

    [Theory]
    // The documentation's first example: "*/temp*", "*/*/temp*" and "temp?", with a comment line.
    [InlineData("somedir/temporary.txt", true)]
    [InlineData("somedir/temp", true)]
    [InlineData("somedir/subdir/temporary.txt", true)]
    [InlineData("tempa", true)]
    [InlineData("tempb", true)]
    [InlineData("temporary.txt", false)]
    [InlineData("temp", false)]
    [InlineData("a/b/c/temp.txt", false)]
    public void The_documented_single_star_and_question_mark_example(string path, bool excluded) =>
        Assert.Equal(excluded, Excluded(path, "# comment", "*/temp*", "*/*/temp*", "temp?"));

    [Theory]
    [InlineData("main.go", true)]
    [InlineData("cmd/tool/main.go", true)]
    [InlineData("cmd/tool/main.gox", false)]
    [InlineData("go.mod", false)]
    public void Two_stars_match_any_number_of_folders_none_included(string path, bool excluded) =>
        Assert.Equal(excluded, Excluded(path, "**/*.go"));

    [Theory]
    // "*.md", "!README*.md", "README-secret.md": no markdown but the READMEs, and not README-secret.md.
    [InlineData("CHANGES.md", true, "*.md", "!README*.md", "README-secret.md")]
    [InlineData("README.md", false, "*.md", "!README*.md", "README-secret.md")]
    [InlineData("README-secret.md", true, "*.md", "!README*.md", "README-secret.md")]
    // The same lines in another order: the exception comes last, so every README is in, README-secret.md too.
    [InlineData("README-secret.md", false, "*.md", "README-secret.md", "!README*.md")]
    [InlineData("CHANGES.md", true, "*.md", "README-secret.md", "!README*.md")]
    public void An_exception_brings_files_back_and_the_last_matching_line_wins(string path, bool excluded, params string[] lines) =>
        Assert.Equal(excluded, Excluded(path, lines));

    [Theory]
    // A pattern that matches a folder excludes everything below it; an exception below brings part of it back.
    [InlineData("functions/Inference/Service/Factory.cs", false)]
    [InlineData("functions/LambdaEmulator/Server.cs", true)]
    [InlineData("functions/Dockerfile", true)]
    [InlineData("global.json", false)]
    [InlineData("README.md", true)]
    [InlineData(".git/HEAD", true)]
    [InlineData("functions/Inference/bin/Release/Inference.dll", true)]
    [InlineData("functions/Inference/obj/project.assets.json", true)]
    [InlineData("functions/Inference/binary.cs", false)]
    public void The_allow_list_shape_ignores_everything_then_lets_in_folders_but_their_build_outputs(string path, bool excluded) =>
        Assert.Equal(excluded, Excluded(path, "*", "!global.json", "!functions/Inference/", "**/bin/", "**/obj/"));

    [Theory]
    [InlineData("/docs", "docs/index.md", true)] // a leading slash means the context root
    [InlineData("docs/", "docs/index.md", true)] // so does a trailing one mean nothing
    [InlineData("./docs/../docs", "docs/index.md", true)] // patterns are cleaned like paths
    [InlineData("docs", "more/docs/index.md", false)] // a plain name matches from the root only
    [InlineData(@"\*.txt", "*.txt", true)] // a backslash escapes a wildcard
    [InlineData(@"\*.txt", "a.txt", false)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("a/**/z", "b/a/z", false)]
    [InlineData("build**", "build/x/y", true)] // a trailing ** is a prefix
    [InlineData("**", "anything/at/all", true)]
    public void Paths_and_wildcards_follow_Dockers_rules(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, Excluded(path, pattern));

    [Fact]
    public void A_lone_exclamation_mark_is_refused_as_docker_refuses_it() =>
        Assert.Throws<FormatException>(() => new DockerIgnore(["*", "!"]));

    /// <summary>The context skips a folder whole when no pattern can bring back anything below it: never a file the plain rule keeps.</summary>
    [Fact]
    public void Skipping_folders_never_changes_which_files_are_in_the_context()
    {
        string[] names = ["a", "b", "bin", "obj", "x.cs", "y.md"];
        string[] pool = ["*", "!a", "!a/b/", "**/bin", "!**/bin/x.cs", "b", "!b/*.cs", "*.md", "!a/**/y.md", "a/b", "**/obj/", "!obj/a"];
        var gen = Gen.Select(
            Gen.Int[1, 3].SelectMany(depth => Gen.OneOf<string>(names).Array[depth]).Select(parts => string.Join('/', parts)).Array[1, 12],
            Gen.OneOf<string>(pool).Array[0, 6]);
        gen.Sample((paths, lines) =>
        {
            var root = Directory.CreateTempSubdirectory("ignore-prune-").FullName;
            try
            {
                var files = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var path in paths)
                {
                    // A path that is a prefix folder of another cannot also be a file: keep the first shape only.
                    if (files.Any(f => f.StartsWith(path + "/", StringComparison.Ordinal) || path.StartsWith(f + "/", StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                    File.WriteAllText(Path.Combine(root, path), path);
                    files.Add(path);
                }

                File.WriteAllLines(Path.Combine(root, ".dockerignore"), lines);
                var ignore = new DockerIgnore(lines);
                var expected = files.Append(".dockerignore").Where(f => !ignore.Excludes(f)).Order(StringComparer.Ordinal);

                Assert.Equal(expected, DockerBuildContext.Load(root, "Dockerfile").Files);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }, iter: 150);
    }
}
