using System.Text.Json;
using Shop.Identity.Users;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Audit.Chain;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Identity.Tests;

/// <summary>Crypto-shredding: a forgotten user's e-mail and name read as erased everywhere, the log and its chain untouched.</summary>
[Collection(nameof(Rebuilds))]
public class ForgetTests(IdentityFixture fixture)
{
    [Fact]
    public async Task personal_data_is_stored_sealed_never_in_clear_text()
    {
        var (id, email, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Private Person");

        var stored = await Database.RowsAsync($"select data::text from {IdentityFixture.Schema}.mt_events where stream_id = '{id}' order by version");

        stored.Count.ShouldBe(2);
        (await fixture.UserAsync(id, token, minVersion: 2)).DisplayName.ToString().ShouldBe("Private Person");
        stored.AddRange(await Database.RowsAsync($"select data::text from {IdentityFixture.Schema}.mt_doc_userview where id = '{id}'"));
        stored.Count.ShouldBe(3);
        stored.ShouldAllBe(data => !data.Contains(email, StringComparison.OrdinalIgnoreCase) && !data.Contains("Private Person"));
    }

    [Fact]
    public async Task a_customer_who_forgets_themselves_reads_as_erased_in_every_view_and_the_chain_still_verifies()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Soon Forgotten");
        var before = await Database.RowsAsync($"select data::text from {IdentityFixture.Schema}.mt_events where stream_id = '{id}' order by version");

        var forgotten = await ForgetAsync(id, token, new { password = IdentityFixture.Password }, 200);

        forgotten.GetProperty("version").GetInt64().ShouldBe(3);
        var view = await fixture.UserAsync(id, fixture.AdminToken, minVersion: 3);
        view.Email.ToString().ShouldBe(PersonalData.ErasedMark);
        view.DisplayName.ToString().ShouldBe(PersonalData.ErasedMark);
        view.Active.ShouldBeFalse();
        view.ForgottenAt.ShouldNotBeNull();

        var history = await ReadAsync<Page<HistoryEntry>>($"/users/{id}/history", fixture.AuditorToken);
        history.Items.Select(e => e.Type).ShouldBe(["user_registered_v2", "display_name_changed_v2", "user_forgotten"]);
        history.Items[0].Data!["email"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);
        history.Items[1].Data!["displayName"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);
        history.Items[2].Data!["by"]!.GetValue<Guid>().ShouldBe(id);
        history.Items[2].User.ShouldBe(id.ToString());

        var past = await ReadAsync<PastState>($"/users/{id}/state?version=1", fixture.AuditorToken);
        past.State!["email"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);

        // The ciphertext in the log is what it was, so the chain over it still holds.
        var after = await Database.RowsAsync($"select data::text from {IdentityFixture.Schema}.mt_events where stream_id = '{id}' and version <= 2 order by version");
        after.ShouldBe(before);
        (await fixture.Host.Services.GetRequiredService<ChainAudit>().VerifyAsync(CancellationToken.None)).Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_forgotten_customer_cannot_log_in_their_tokens_stop_and_their_address_opens_a_new_account()
    {
        var (id, email, _) = await fixture.CustomerAsync();
        var login = await fixture.LogInAsync(email, IdentityFixture.Password);
        var (access, refresh) = (login.GetProperty("access_token").GetString()!, login.GetProperty("refresh_token").GetString()!);

        await ForgetAsync(id, access, new { password = IdentityFixture.Password }, 200);

        (await fixture.OAuthAsync(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = IdentityFixture.Password }, 400))
            .GetProperty("error").GetString().ShouldBe("invalid_grant");
        (await fixture.OAuthAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh }, 400))
            .GetProperty("error").GetString().ShouldBe("invalid_grant");
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/users/me");
            s.Bearer(access);
            s.StatusCodeShouldBe(401);
        });

        var again = await fixture.RegisterAsync(email);
        again.ShouldNotBe(id);
        var view = await fixture.UserAsync(again, await fixture.TokenAsync(email, IdentityFixture.Password));
        view.Email.ToString().ShouldBe(email);
        (await fixture.UserAsync(id, fixture.AdminToken, minVersion: 2)).Email.ToString().ShouldBe(PersonalData.ErasedMark);
    }

    [Fact]
    public async Task only_an_admin_or_the_customer_with_their_password_may_forget_and_a_second_forget_changes_nothing()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        var (_, _, other) = await fixture.CustomerAsync();

        await ForgetAsync(id, other, new { password = IdentityFixture.Password }, 404);
        await ForgetAsync(id, fixture.AuditorToken, new { }, 404);
        (await ForgetAsync(id, token, new { password = "not the password" }, 400)).GetProperty("code").GetString().ShouldBe("wrong_current_password");
        (await ForgetAsync(id, token, new { }, 400)).GetProperty("errors").GetProperty("password").ToString().ShouldContain("Give your password");

        (await ForgetAsync(id, fixture.AdminToken, new { }, 200)).GetProperty("version").GetInt64().ShouldBe(2);
        (await ForgetAsync(id, fixture.AdminToken, new { }, 200)).GetProperty("version").GetInt64().ShouldBe(2);
        var history = await ReadAsync<Page<HistoryEntry>>($"/users/{id}/history", fixture.AuditorToken);
        history.Items[^1].Data!["by"]!.GetValue<Guid>().ShouldBe(fixture.AdminId);
    }

    [Fact]
    public async Task a_forgotten_account_can_never_be_reactivated()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        await ForgetAsync(id, fixture.AdminToken, new { }, 200);

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/reactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(409);
        });

        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("code").GetString().ShouldBe("account_forgotten");
    }

    [Fact]
    public async Task events_written_before_sealing_are_upcast_and_erased_like_the_rest()
    {
        var id = Guid.CreateVersion7();
        var email = IdentityFixture.UniqueEmail("legacy");
        // Written the way the service wrote them before this version: clear text, under the version 1 names.
        await using (var old = LegacyStore.For(IdentityFixture.Schema, typeof(UserRegisteredV1), typeof(DisplayNameChangedV1)))
        await using (var session = old.LightweightSession())
        {
            session.Events.StartStream<User>(id,
                new UserRegisteredV1(id, email, "Old Timer", "hash", ["customer"]),
                new DisplayNameChangedV1(id, "Old Timer Renamed"));
            await session.SaveChangesAsync();
        }

        var history = await ReadAsync<Page<HistoryEntry>>($"/users/{id}/history", fixture.AuditorToken);
        history.Items.Select(e => e.Type).ShouldBe(["user_registered", "display_name_changed"]);
        history.Items[0].Data!["email"]!.GetValue<string>().ShouldBe(email);
        (await ReadAsync<PastState>($"/users/{id}/state?version=1", fixture.AuditorToken)).State!["displayName"]!.GetValue<string>().ShouldBe("Old Timer");
        await RebuildUsersAsync();
        (await fixture.UserAsync(id, fixture.AdminToken, minVersion: 2)).DisplayName.ToString().ShouldBe("Old Timer Renamed");

        await ForgetAsync(id, fixture.AdminToken, new { }, 200);

        history = await ReadAsync<Page<HistoryEntry>>($"/users/{id}/history", fixture.AuditorToken);
        history.Items[0].Data!["email"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);
        history.Items[1].Data!["displayName"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);
        (await ReadAsync<PastState>($"/users/{id}/state?version=2", fixture.AuditorToken)).State!["email"]!.GetValue<string>().ShouldBe(PersonalData.ErasedMark);
        await RebuildUsersAsync();
        (await fixture.UserAsync(id, fixture.AdminToken, minVersion: 3)).Email.ToString().ShouldBe(PersonalData.ErasedMark);
    }

    private Task RebuildUsersAsync() => ProjectionRebuilds.ThroughAdminEndpointAsync(fixture.Host, "UserView", fixture.AdminToken);

    private async Task<JsonElement> ForgetAsync(Guid id, string token, object body, int status)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/users/{id}/forget");
            s.Bearer(token);
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<T> ReadAsync<T>(string url, string token)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<T>())!;
    }

    private Task RenameAsync(string token, string name) => fixture.Host.Scenario(s =>
    {
        s.Put.Json(new { displayName = name }).ToUrl("/users/me/display-name");
        s.Bearer(token);
        s.StatusCodeShouldBeOk();
    });
}
