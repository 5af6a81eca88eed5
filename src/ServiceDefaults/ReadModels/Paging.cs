using Marten.Pagination;
using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Http;

namespace Shop.ServiceDefaults.ReadModels;

/// <summary>
/// One page of a list, with what a client needs to ask for the next: every list of the API answers
/// this envelope, and takes <c>page</c> (from 1) and <c>pageSize</c> (1 to 100, 20 by default).
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], PageNumber, PageSize, Total);
}

/// <summary>Page numbers start at 1; a page holds at most <see cref="MaxPageSize"/> items, so no request can ask for everything.</summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The 400 answer for a page outside the limits, or null when the request is fine.</summary>
    public static IResult? Problem(int? page, int? pageSize) =>
        page is < 1 ? Problems.BadRequest("page", "page starts at 1.")
        : pageSize is < 1 or > MaxPageSize ? Problems.BadRequest("pageSize", $"pageSize must be between 1 and {MaxPageSize}.")
        : null;

    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, int? page, int? pageSize, CancellationToken ct)
    {
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var items = await query.ToPagedListAsync(number, size, ct);
        // The total comes with the page's rows; a page past the end has none, so the first page is asked for it.
        var total = items.Count == 0 && number > 1 ? (await query.ToPagedListAsync(1, 1, ct)).TotalItemCount : items.TotalItemCount;
        return new Page<T>([.. items], number, size, total);
    }
}
