using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Privacy;

namespace Shop.Identity.Users;

/// <summary>
/// A forget erases in the transaction that records it, whichever command appended it: the user's key
/// goes, so every sealed e-mail and name of theirs reads as erased, and their e-mail claim goes, so the
/// address can open a new, unrelated account.
/// </summary>
public sealed class Erasure : EventProjection
{
    private readonly PersonalDataKeys keys;

    public Erasure(PersonalDataKeys keys)
    {
        this.keys = keys;
        IncludeType<UserForgotten>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is UserForgotten forgotten)
        {
            keys.Forget(operations, forgotten.UserId);
            operations.DeleteWhere<UniqueValue>(v => v.StreamId == forgotten.UserId);
        }

        return ValueTask.CompletedTask;
    }
}
