using System.Text.Json;
using Shop.ServiceDefaults.Security;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class RegistrationTests(IdentityFixture fixture)
{
    [Fact]
    public async Task registering_answers_201_with_the_location_and_version_of_the_new_user()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email = IdentityFixture.UniqueEmail(), password = IdentityFixture.Password, displayName = "Ann" }).ToUrl("/users");
            s.StatusCodeShouldBe(201);
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });

        var id = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("id").GetGuid();
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/users/{id}");
    }

    [Fact]
    public async Task an_email_already_taken_in_any_case_is_a_409()
    {
        var email = IdentityFixture.UniqueEmail();
        await fixture.RegisterAsync(email);

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email = email.ToUpperInvariant(), password = IdentityFixture.Password, displayName = "Copy" }).ToUrl("/users");
            s.StatusCodeShouldBe(409);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Theory]
    [InlineData("not-an-email", "a long enough password", "email")]
    [InlineData("", "a long enough password", "email")]
    [InlineData("someone@example.com", "short pass", "password")]
    [InlineData("someone@example.com", "", "password")]
    public async Task bad_fields_are_a_400_naming_the_field(string email, string password, string field)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password, displayName = "Someone" }).ToUrl("/users");
            s.StatusCodeShouldBe(400);
        });

        var errors = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors");
        errors.TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_400_not_a_500()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Text("{ this is not json").ToUrl("/users");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task a_role_sent_at_sign_up_is_ignored()
    {
        var email = IdentityFixture.UniqueEmail();
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = IdentityFixture.Password, displayName = "Mallory", role = "admin", roles = new[] { "admin" } }).ToUrl("/users");
            s.StatusCodeShouldBe(201);
        });
        var id = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("id").GetGuid();

        var token = await fixture.TokenAsync(email, IdentityFixture.Password);
        (await fixture.UserAsync(id, token)).Roles.ShouldBe([ShopRoles.Customer]);
    }

    [Fact]
    public async Task the_password_hash_appears_in_no_answer_about_the_user()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        var urls = new[] { "/users/me", $"/users/{id}", $"/users/{id}/history", $"/users/{id}/state?version=1" };

        foreach (var url in urls)
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.Bearer(token);
                s.WithRequestHeader("X-Min-Version", "1");
                s.StatusCodeShouldBeOk();
            });
            var body = await result.ReadAsTextAsync();
            body.ShouldNotContain("pbkdf2", Case.Insensitive, customMessage: url);
        }
    }
}
