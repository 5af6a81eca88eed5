using System.Collections.Immutable;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Identity.Users;

[EventName("admin_added")]
public sealed record AdminAdded(Guid UserId);

[EventName("admin_removed")]
public sealed record AdminRemoved(Guid UserId);

/// <summary>
/// The set of active admins, kept in one stream of its own so that "the last admin stays" holds under
/// concurrency: two requests that would each remove one of the last two admins both write this stream,
/// and the second one fails its version check instead of leaving the shop without an admin.
/// </summary>
public sealed record AdminRoster(ImmutableHashSet<Guid> Admins)
{
    public static readonly Guid StreamId = new("5a1e0000-0000-7000-8000-00000000ad01");

    public static readonly AdminRoster Empty = new(ImmutableHashSet<Guid>.Empty);

    public static AdminRoster Create(AdminAdded e) => Empty.Apply(e);

    public AdminRoster Apply(AdminAdded e) => this with { Admins = Admins.Add(e.UserId) };

    public AdminRoster Apply(AdminRemoved e) => this with { Admins = Admins.Remove(e.UserId) };

    /// <summary>What the roster records when a user's standing as an active admin changes.</summary>
    public Decision Reconcile(User before, User after)
    {
        if (before.IsActiveAdmin == after.IsActiveAdmin)
        {
            return Decision.Accept();
        }

        if (after.IsActiveAdmin)
        {
            return Decision.Accept(new AdminAdded(after.Id));
        }

        return Admins.Count == 1 && Admins.Contains(after.Id)
            ? Decision.Conflict(ProblemCodes.LastAdmin, "This is the last active admin; make another user admin first.")
            : Decision.Accept(new AdminRemoved(after.Id));
    }
}
