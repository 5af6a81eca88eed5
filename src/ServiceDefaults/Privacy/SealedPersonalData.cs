using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.ServiceDefaults.Privacy;

/// <summary>
/// How Marten stores <see cref="PersonalData"/>: <c>{"subject": …, "sealed": …}</c>, the ciphertext under
/// the subject's key. A value read from storage is written back with the same ciphertext, so storing a
/// document again never needs the key; a value of a forgotten subject is stored with none. A plain
/// string is a document written before values were sealed: it is read, and written back, as it was.
/// </summary>
public sealed class SealedPersonalData(PersonalDataKeys keys) : JsonConverter<PersonalData>
{
    public override PersonalData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return PersonalData.Unsealed(reader.GetString()!);
        }

        var stored = JsonSerializer.Deserialize<Stored>(ref reader, options) ?? throw new JsonException("Personal data must be an object.");
        if (stored.Sealed is null)
        {
            return PersonalData.Erased(stored.Subject, null);
        }

        return keys.Open(stored.Subject, stored.Sealed) is { } value
            ? PersonalData.Opened(stored.Subject, value, stored.Sealed)
            : PersonalData.Erased(stored.Subject, stored.Sealed);
    }

    public override void Write(Utf8JsonWriter writer, PersonalData value, JsonSerializerOptions options)
    {
        if (value.Subject == Guid.Empty)
        {
            writer.WriteStringValue(value.Value ?? throw new JsonException("An erased value without its subject (read back from an API answer) cannot be stored."));
            return;
        }

        var @sealed = value.Sealed ?? (value.Value is { } plain ? keys.Seal(value.Subject, plain) : null);
        JsonSerializer.Serialize(writer, new Stored(value.Subject, @sealed), options);
    }

    private sealed record Stored(Guid Subject, string? Sealed);
}
