using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FinsamOutcomes.EventStore;

/// <summary>
/// Maps stable, versioned event type names (<c>participation.exited.v1</c>) to CLR types and back.
/// CLR type names never reach the database, so a rename breaks nothing. Old versions are converted
/// to new ones on read by registered upcasters.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];
    private readonly Dictionary<string, (string To, Func<JsonObject, JsonObject> Convert)> _upcasters = new(StringComparer.Ordinal);

    public static JsonSerializerOptions DefaultJsonOptions { get; } = CreateJsonOptions();

    public JsonSerializerOptions JsonOptions { get; init; } = DefaultJsonOptions;

    public static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    public EventTypeRegistry Register<T>(string name) => Register(typeof(T), name);

    public EventTypeRegistry Register(Type type, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsVersionedName(name))
        {
            throw new ArgumentException($"Event type name '{name}' must end with a version suffix like '.v1'.", nameof(name));
        }

        if (_byName.TryGetValue(name, out var existing) && existing != type)
        {
            throw new InvalidOperationException($"Event type name '{name}' is already registered for another type.");
        }

        if (_byType.TryGetValue(type, out var existingName) && existingName != name)
        {
            throw new InvalidOperationException($"Type {type.Name} is already registered as '{existingName}'.");
        }

        _byName[name] = type;
        _byType[type] = name;
        return this;
    }

    /// <summary>Registers a conversion from an old stored version to a newer name, applied on read.</summary>
    public EventTypeRegistry Upcast(string fromName, string toName, Func<JsonObject, JsonObject> convert)
    {
        if (_byName.ContainsKey(fromName))
        {
            throw new InvalidOperationException($"'{fromName}' is a current type; only retired versions can be upcast.");
        }

        _upcasters[fromName] = (toName, convert);
        return this;
    }

    public string NameOf(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"Type {type.Name} has no registered event type name.");

    public string Serialize(object data) => JsonSerializer.Serialize(data, data.GetType(), JsonOptions);

    /// <summary>Reads a stored event, upcasting old versions to the current type.</summary>
    public (string Name, object Data) Deserialize(string storedName, string json) =>
        Deserialize(storedName, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// Reads a stored event from its JSON as UTF-8, upcasting old versions to the current type. The store reads the
    /// feed's JSON as the bytes the server sent (no string in between, which the serializer would turn back into UTF-8).
    /// </summary>
    public (string Name, object Data) Deserialize(string storedName, ReadOnlySpan<byte> json)
    {
        var name = storedName;
        JsonObject? node = null;
        var hops = 0;
        while (_upcasters.TryGetValue(name, out var upcaster))
        {
            node ??= JsonNode.Parse(json)?.AsObject() ?? new JsonObject();
            node = upcaster.Convert(node);
            name = upcaster.To;
            if (++hops > 32)
            {
                throw new InvalidOperationException($"Upcaster chain from '{storedName}' does not end.");
            }
        }

        if (!_byName.TryGetValue(name, out var type))
        {
            throw new UnknownEventTypeException(storedName);
        }

        var data = node is null
            ? JsonSerializer.Deserialize(json, type, JsonOptions)
            : node.Deserialize(type, JsonOptions);
        return (name, data ?? throw new InvalidOperationException($"Event of type '{storedName}' has no data."));
    }

    private static bool IsVersionedName(string name)
    {
        var dot = name.LastIndexOf(".v", StringComparison.Ordinal);
        return dot > 0 && dot + 2 < name.Length && name[(dot + 2)..].All(char.IsAsciiDigit);
    }
}
