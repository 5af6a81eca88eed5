namespace Shop.ServiceDefaults.EventSourcing;

/// <summary>Why a business rule refused a command.</summary>
public enum ErrorKind
{
    /// <summary>The command itself is malformed (400).</summary>
    Invalid,

    /// <summary>The command is valid but the aggregate's state forbids it (409).</summary>
    Conflict,

    /// <summary>The caller may not even know the aggregate exists (404): someone else's resource.</summary>
    NotFound,
}

/// <summary>A refusal: its kind (the status), what a person reads, and the code a client checks (see ProblemCodes).</summary>
public sealed record DomainError(ErrorKind Kind, string Message, string? Code = null);

/// <summary>What a business rule decided: the events to append, or why not. No events means "nothing to change".</summary>
public readonly record struct Decision
{
    private Decision(IReadOnlyList<object> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<object> Events { get; }

    public DomainError? Error { get; }

    public bool IsAccepted => Error is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(ErrorKind kind, string message, string? code = null) => new([], new DomainError(kind, message, code));

    public static Decision Conflict(string code, string message) => Reject(ErrorKind.Conflict, message, code);

    /// <summary>Runs the next rule only when this one accepted, appending its events.</summary>
    public Decision Then(Func<Decision> next)
    {
        if (!IsAccepted)
        {
            return this;
        }

        var following = next();
        return following.IsAccepted ? new Decision([.. Events, .. following.Events], null) : following;
    }
}
