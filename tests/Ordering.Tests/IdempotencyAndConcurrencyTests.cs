using JasperFx;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Mvc;
using Shop.Ordering.Orders;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Ordering.Tests;

public class IdempotencyAndConcurrencyTests(OrderingFixture fixture)
{
    [Fact]
    public async Task a_repeated_post_with_the_same_idempotency_key_gets_the_first_answer_and_no_second_order()
    {
        var (_, token) = fixture.Customer();
        var body = new { items = new[] { new { productId = fixture.Inventory.Product(), quantity = 1 } } };
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync("/orders", body, token, key, 201);
        var again = await PostAsync("/orders", body, token, key, 201);

        var (a, b) = ((await first.ReadAsJsonAsync<OrderResponse>())!, (await again.ReadAsJsonAsync<OrderResponse>())!);
        b.Id.ShouldBe(a.Id);
        again.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        again.Context.Response.Headers.Location.ToString().ShouldBe($"/orders/{a.Id}");
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var mine = await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/orders");
            s.Bearer(token);
        })).ReadAsJsonAsync<Page<OrderListItem>>();
        mine!.Items.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_a_422()
    {
        var (_, token) = fixture.Customer();
        var key = Guid.NewGuid().ToString();
        var product = fixture.Inventory.Product();

        await PostAsync("/orders", new { items = new[] { new { productId = product, quantity = 1 } } }, token, key, 201);
        await PostAsync("/orders", new { items = new[] { new { productId = product, quantity = 2 } } }, token, key, 422);
    }

    [Fact]
    public async Task keys_belong_to_their_caller()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { items = Array.Empty<object>() };
        var (_, alice) = fixture.Customer();
        var (_, bob) = fixture.Customer();

        var first = await (await PostAsync("/orders", body, alice, key, 201)).ReadAsJsonAsync<OrderResponse>();
        var second = await (await PostAsync("/orders", body, bob, key, 201)).ReadAsJsonAsync<OrderResponse>();

        second!.Id.ShouldNotBe(first!.Id);
    }

    [Fact]
    public async Task a_repeated_checkout_is_answered_again_instead_of_conflicting()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var key = Guid.NewGuid().ToString();

        await PostAsync($"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, key, 202);
        await PostAsync($"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, key, 202);

        (await fixture.VersionAsync(order.Id)).ShouldBe(2);
    }

    [Fact]
    public async Task the_request_marks_its_key_carried_out_in_its_own_transaction()
    {
        var (customer, token) = fixture.Customer();
        var key = Guid.NewGuid().ToString();

        await PostAsync("/orders", new { items = Array.Empty<object>() }, token, key, 201);

        var kept = await LoadKeyAsync(customer, key);
        kept.CarriedOut.ShouldBeTrue();
        kept.Completed.ShouldBeTrue();
        kept.Version.ShouldBe(3, "claimed, carried out, answered");
    }

    [Fact]
    public async Task a_request_carried_out_whose_answer_was_lost_in_a_crash_is_not_run_again()
    {
        var (customer, token) = fixture.Customer();
        var key = Guid.NewGuid().ToString();
        var body = new { items = Array.Empty<object>() };
        await PostAsync("/orders", body, token, key, 201);
        // What a process that died between its commit and keeping the answer leaves behind.
        await LeaveUnansweredAsync(customer, key, carriedOut: true);

        var again = await PostAsync("/orders", body, token, key, 409);

        var problem = (await again.ReadAsJsonAsync<ProblemDetails>())!;
        problem.Title.ShouldBe("Request carried out, answer lost");
        problem.Extensions["code"]!.ToString().ShouldBe("idempotency_answer_lost");
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        (await MineAsync(token)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task a_claim_left_unanswered_and_not_carried_out_is_run_again_once_stale()
    {
        var (customer, token) = fixture.Customer();
        var key = Guid.NewGuid().ToString();
        var body = new { items = Array.Empty<object>() };
        await PostAsync("/orders", body, token, key, 201);
        // What a process that died before its commit leaves behind (the order is there only because
        // the test made the first run complete).
        await LeaveUnansweredAsync(customer, key, carriedOut: false);

        await PostAsync("/orders", body, token, key, 201);

        (await LoadKeyAsync(customer, key)).Completed.ShouldBeTrue();
    }

    [Fact]
    public async Task a_request_whose_claim_was_taken_over_cannot_carry_itself_out()
    {
        var (customer, _) = fixture.Customer();
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var id = $"{customer}|/orders|{Guid.NewGuid()}";
        await using (var claim = store.LightweightSession())
        {
            claim.Insert(new IdempotentRequest { Id = id, RequestHash = "h", Claim = Guid.NewGuid(), CreatedAt = DateTimeOffset.UtcNow });
            await claim.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var takeover = store.LightweightSession())
        {
            takeover.UpdateRevision(new IdempotentRequest { Id = id, RequestHash = "h", Claim = Guid.NewGuid(), CreatedAt = DateTimeOffset.UtcNow }, 2);
            await takeover.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var stream = Guid.NewGuid();
        IdempotencyClaim.Current = new IdempotencyClaim(id, "h", Guid.NewGuid(), revision: 1);
        try
        {
            await using var late = store.LightweightSession();
            late.Events.StartStream(stream, new SomethingHappened(stream));
            await Should.ThrowAsync<ConcurrencyException>(() => late.SaveChangesAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            IdempotencyClaim.Current = null;
        }

        await using var query = store.QuerySession();
        (await query.Events.FetchStreamStateAsync(stream, TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    [Fact]
    public async Task an_unusable_idempotency_key_is_a_400()
    {
        var (_, token) = fixture.Customer();

        await PostAsync("/orders", new { items = Array.Empty<object>() }, token, new string('k', 300), 400);
    }

    [Fact]
    public async Task two_writers_with_the_same_if_match_one_wins_and_one_gets_412()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var (a, b) = (fixture.Inventory.Product(), fixture.Inventory.Product());

        var statuses = new List<int>();
        foreach (var product in new[] { a, b })
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new { productId = product, quantity = 1 }).ToUrl($"/orders/{order.Id}/items");
                s.Bearer(token);
                s.WithRequestHeader("If-Match", "\"1\"");
                s.IgnoreStatusCode();
            });
            statuses.Add(result.Context.Response.StatusCode);
        }

        statuses.ShouldBe([200, 412]);
        (await fixture.VersionAsync(order.Id)).ShouldBe(2);
    }

    [Fact]
    public async Task a_read_can_wait_for_the_version_its_write_returned()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { productId = fixture.Inventory.Product(), quantity = 4 }).ToUrl($"/orders/{order.Id}/items");
            s.Bearer(token);
        });
        var etag = result.Context.Response.Headers.ETag.ToString().Trim('"');

        var details = await fixture.DetailsAsync(order.Id, token, long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture));
        details.Items.Count.ShouldBe(2);
        details.Version.ShouldBe(2);
    }

    private async Task<IdempotentRequest> LoadKeyAsync(Guid customer, string key)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<IdempotentRequest>($"{customer}|/orders|{key}", TestContext.Current.CancellationToken)).ShouldNotBeNull();
    }

    /// <summary>Rewrites a kept key as a claim left unanswered for longer than its lifetime.</summary>
    private async Task LeaveUnansweredAsync(Guid customer, string key, bool carriedOut)
    {
        var kept = await LoadKeyAsync(customer, key);
        kept.Completed = false;
        kept.CarriedOut = carriedOut;
        kept.Body = [];
        kept.CreatedAt -= Idempotency.ClaimLifetime;
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.UpdateRevision(kept, kept.Version + 1);
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private async Task<IReadOnlyList<OrderListItem>> MineAsync(string token) => (await (await fixture.Host.Scenario(s =>
    {
        s.Get.Url("/orders");
        s.Bearer(token);
    })).ReadAsJsonAsync<Page<OrderListItem>>())!.Items;

    private Task<IScenarioResult> PostAsync(string url, object body, string token, string key, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.Bearer(token);
        s.WithRequestHeader("Idempotency-Key", key);
        s.StatusCodeShouldBe(expected);
    });

    private sealed record SomethingHappened(Guid Id);
}
