using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.ServiceDefaults.Privacy;

/// <summary>
/// A value that identifies a person (an e-mail address, a name). Wherever Marten stores it (events,
/// documents) it is encrypted with a key of its own <see cref="Subject"/>, kept outside the event log;
/// once the subject is forgotten the key is gone and the value reads as <see cref="ErasedMark"/>
/// everywhere, while the stored ciphertext, and so the event chain, stays as it was.
/// Everywhere else (API answers, history, exports) it is written as its plain text.
/// </summary>
[JsonConverter(typeof(PersonalDataAsText))]
public sealed class PersonalData : IEquatable<PersonalData>
{
    public const string ErasedMark = "[erased]";

    private PersonalData(Guid subject, string? value, string? @sealed)
    {
        Subject = subject;
        Value = value;
        Sealed = @sealed;
    }

    /// <summary>The person the value is about, whose key seals it.</summary>
    public Guid Subject { get; }

    /// <summary>The plain value; null once the subject is forgotten.</summary>
    public string? Value { get; }

    public bool IsErased => Value is null;

    /// <summary>The ciphertext this value was read from, written back unchanged when the value is stored again.</summary>
    internal string? Sealed { get; }

    public static PersonalData Of(Guid subject, string value) =>
        subject == Guid.Empty ? throw new ArgumentException("Personal data needs the person it is about.", nameof(subject)) : new(subject, value, null);

    /// <summary>A plain value with no subject: stored before personal data was sealed, or read back from an API answer.</summary>
    internal static PersonalData Unsealed(string value) => new(Guid.Empty, value, null);

    internal static PersonalData Opened(Guid subject, string value, string @sealed) => new(subject, value, @sealed);

    /// <summary>What is left of a value once its subject is forgotten (with the ciphertext it was read from, if any).</summary>
    public static PersonalData Erased(Guid subject) => new(subject, null, null);

    internal static PersonalData Erased(Guid subject, string? @sealed) => new(subject, null, @sealed);

    public override string ToString() => Value ?? ErasedMark;

    public bool Equals(PersonalData? other) => other is not null && Subject == other.Subject && Value == other.Value;

    public override bool Equals(object? obj) => Equals(obj as PersonalData);

    public override int GetHashCode() => HashCode.Combine(Subject, Value);
}

/// <summary>
/// The plain form, outside storage: the value, or <see cref="PersonalData.ErasedMark"/>. Read back
/// (a client of the API) it has no subject, so it can be shown but never stored.
/// </summary>
public sealed class PersonalDataAsText : JsonConverter<PersonalData>
{
    public override PersonalData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text && text != PersonalData.ErasedMark ? PersonalData.Unsealed(text) : PersonalData.Erased(Guid.Empty, null);

    public override void Write(Utf8JsonWriter writer, PersonalData value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
