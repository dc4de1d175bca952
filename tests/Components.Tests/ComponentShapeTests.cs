using System.Reflection;
using System.Runtime.CompilerServices;
using Infra.Components;
using Infra.Core;

namespace Components.Tests;

/// <summary>
/// Every component has one shape, <c>(IScope scope, string name, TArgs args, ComponentResourceOptions? options = null)</c>,
/// with Args records that are its public surface only: what one component needs from another goes through an internal
/// plan, never through a field of the other's Args.
/// </summary>
public class ComponentShapeTests
{
    /// <summary>Components only a pattern creates (the pattern's Args configure them), so they have no public constructor.</summary>
    private static readonly string[] CreatedByPatternsOnly = [nameof(GradualRollout)];

    private static readonly NullabilityInfoContext Nullability = new();

    private static IEnumerable<Type> ComponentTypes() =>
        new[] { typeof(ComponentResource).Assembly, typeof(InferenceFunction).Assembly }
            .Distinct()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsSubclassOf(typeof(ComponentResource)) && !type.IsAbstract);

    public static TheoryData<string> PublicComponents() =>
        [.. ComponentTypes().Where(t => t.GetConstructors().Length > 0).Select(t => t.Name).Order(StringComparer.Ordinal)];

    private static Type Component(string name) => ComponentTypes().Single(t => t.Name == name);

    [Fact]
    public void Every_component_without_a_public_constructor_is_one_a_pattern_creates()
    {
        var hidden = ComponentTypes().Where(t => t.GetConstructors().Length == 0).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(CreatedByPatternsOnly, hidden);
        Assert.True(PublicComponents().Count >= 13, "the reflection found the components");
    }

    [Theory]
    [MemberData(nameof(PublicComponents))]
    public void A_component_is_constructed_from_scope_name_args_and_options(string component)
    {
        var constructor = Assert.Single(Component(component).GetConstructors());
        var parameters = constructor.GetParameters();

        Assert.Equal(
            [typeof(IScope), typeof(string), parameters.ElementAtOrDefault(2)?.ParameterType, typeof(ComponentResourceOptions)],
            parameters.Select(p => p.ParameterType));
        Assert.Equal(["scope", "name"], parameters.Take(2).Select(p => p.Name));
        Assert.EndsWith("Args", parameters[2].ParameterType.Name, StringComparison.Ordinal);
        Assert.True(IsRecord(parameters[2].ParameterType), $"{parameters[2].ParameterType.Name} is a record");
        Assert.Equal("options", parameters[3].Name);
        Assert.True(parameters[3].HasDefaultValue && parameters[3].DefaultValue is null, "options defaults to null");
    }

    [Theory]
    [MemberData(nameof(PublicComponents))]
    public void A_components_args_are_public_settings_with_no_required_field_that_may_be_null(string component)
    {
        var args = Component(component).GetConstructors().Single().GetParameters()[2].ParameterType;
        foreach (var type in ArgsRecordsReachableFrom(args))
        {
            // Settable from inside the assembly only: a field that another component fills in. (Computed properties are fine.)
            var plumbing = type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.GetSetMethod(nonPublic: true) is { IsPublic: false })
                .Select(p => p.Name);
            Assert.True(!plumbing.Any(), $"{type.Name} has non-public fields set by other components: {string.Join(", ", plumbing)}");

            var requiredButNullable = type.GetProperties()
                .Where(p => p.GetCustomAttribute<RequiredMemberAttribute>() is not null && Nullability.Create(p).WriteState == NullabilityState.Nullable)
                .Select(p => p.Name);
            Assert.True(!requiredButNullable.Any(), $"{type.Name} has required fields that may be null: {string.Join(", ", requiredButNullable)}");
        }
    }

    [Theory]
    [InlineData("VariantModelVersions")]
    [InlineData("AliasShiftedByRollout")]
    public void What_only_a_pattern_decides_for_its_function_is_no_field_of_the_functions_args(string field) =>
        Assert.Null(typeof(InferenceFunctionArgs).GetProperty(field, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));

    [Fact]
    public void A_rest_api_endpoints_target_is_required_and_never_null()
    {
        var target = typeof(RestApiEndpointArgs).GetProperty(nameof(RestApiEndpointArgs.Target))!;

        Assert.NotNull(target.GetCustomAttribute<RequiredMemberAttribute>());
        Assert.Equal(NullabilityState.NotNull, Nullability.Create(target).WriteState);
        Assert.Null(typeof(RestApiSettings).GetProperty(nameof(RestApiEndpointArgs.Target)));
    }

    /// <summary>The Args record and the Args records of its properties (a pattern's Args hold the Args of its parts).</summary>
    private static IEnumerable<Type> ArgsRecordsReachableFrom(Type args)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([args]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (propertyType.Assembly == args.Assembly && IsRecord(propertyType) && propertyType.Name.EndsWith("Args", StringComparison.Ordinal))
                {
                    pending.Push(propertyType);
                }
            }
        }

        return seen;
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
}
