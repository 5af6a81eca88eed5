using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Tests;

public class when_a_service_fetches_the_signing_keys
{
    private const string Authority = "http://identity.test";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly KeyServer _identity = new();
    private readonly PublishedSigningKeys _keys;

    public when_a_service_fetches_the_signing_keys()
    {
        var jwt = new JwtSettings(Authority, "shop-identity", "shop", TimeSpan.FromSeconds(30), RequireHttpsMetadata: false) { KeysRefreshInterval = TimeSpan.FromSeconds(60) };
        _keys = new PublishedSigningKeys(jwt, new OneClient(_identity), _clock, NullLogger<PublishedSigningKeys>.Instance);
    }

    [Fact]
    public async Task a_key_identity_stops_publishing_stops_verifying_after_the_refresh_interval()
    {
        _identity.Kids = ["old", "new"];
        (await KidsAsync()).ShouldBe(["old", "new"]);

        _identity.Kids = ["new"];
        _clock.Advance(TimeSpan.FromSeconds(59));
        (await KidsAsync()).ShouldBe(["old", "new"]);
        _clock.Advance(TimeSpan.FromSeconds(1));
        (await KidsAsync()).ShouldBe(["new"]);
    }

    [Fact]
    public async Task an_unknown_key_asks_for_a_fetch_at_once_but_not_more_than_every_two_seconds()
    {
        _identity.Kids = ["a"];
        await KidsAsync();
        _identity.Kids = ["a", "b"];

        _keys.RequestRefresh();
        (await KidsAsync()).ShouldBe(["a"]);
        _clock.Advance(TimeSpan.FromSeconds(2));
        (await KidsAsync()).ShouldBe(["a", "b"]);
        _identity.Fetches.ShouldBe(2);
    }

    [Fact]
    public async Task a_token_naming_a_key_not_fetched_yet_has_the_keys_fetched_before_it_is_checked()
    {
        _identity.Kids = ["a"];
        await KidsAsync();
        _identity.Kids = ["a", "b"];
        _clock.Advance(TimeSpan.FromSeconds(2));

        await _keys.PrepareForAsync("Bearer " + TokenNaming("a"), TestContext.Current.CancellationToken);
        _identity.Fetches.ShouldBe(1);
        await _keys.PrepareForAsync("Bearer " + TokenNaming("b"), TestContext.Current.CancellationToken);
        (await KidsAsync()).ShouldBe(["a", "b"]);
        _identity.Fetches.ShouldBe(2);
    }

    [Fact]
    public async Task while_identity_is_down_the_keys_fetched_last_stay_in_use()
    {
        _identity.Kids = ["a"];
        await KidsAsync();

        _identity.Down = true;
        _clock.Advance(TimeSpan.FromMinutes(5));
        (await KidsAsync()).ShouldBe(["a"]);
    }

    [Fact]
    public async Task before_identity_was_ever_reached_there_are_no_keys_and_it_is_asked_again_after_two_seconds()
    {
        _identity.Down = true;
        (await KidsAsync()).ShouldBeEmpty();

        _identity.Down = false;
        _identity.Kids = ["a"];
        (await KidsAsync()).ShouldBeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(2));
        (await KidsAsync()).ShouldBe(["a"]);
    }

    [Fact]
    public async Task requests_arriving_while_the_first_fetch_is_under_way_wait_for_it_instead_of_finding_no_keys()
    {
        _identity.Kids = ["a"];
        _identity.Hold = new TaskCompletionSource();

        var first = KidsAsync();
        var second = KidsAsync();
        second.IsCompleted.ShouldBeFalse();
        _identity.Hold.SetResult();

        (await first).ShouldBe(["a"]);
        (await second).ShouldBe(["a"]);
        _identity.Fetches.ShouldBe(1);
    }

    [Fact]
    public async Task tokens_naming_a_new_key_while_it_is_being_fetched_wait_for_that_fetch()
    {
        _identity.Kids = ["a"];
        await KidsAsync();
        _identity.Kids = ["a", "b"];
        _clock.Advance(TimeSpan.FromSeconds(2));
        _identity.Hold = new TaskCompletionSource();

        var first = _keys.PrepareForAsync("Bearer " + TokenNaming("b"), TestContext.Current.CancellationToken);
        var second = _keys.PrepareForAsync("Bearer " + TokenNaming("b"), TestContext.Current.CancellationToken);
        second.IsCompleted.ShouldBeFalse();
        _identity.Hold.SetResult();
        await Task.WhenAll(first, second);

        (await KidsAsync()).ShouldBe(["a", "b"]);
        _identity.Fetches.ShouldBe(2);
    }

    [Fact]
    public async Task a_fetch_that_ends_while_others_wait_answers_them_all_even_when_it_failed()
    {
        _identity.Down = true;
        _identity.Hold = new TaskCompletionSource();

        var first = KidsAsync();
        var second = KidsAsync();
        _clock.Advance(TimeSpan.FromSeconds(3));
        _identity.Hold.SetResult();

        (await first).ShouldBeEmpty();
        (await second).ShouldBeEmpty();
        _identity.Requests.ShouldBe(1);
    }

    private static string TokenNaming(string kid) =>
        $"{Base64UrlEncoder.Encode($$"""{"alg":"ES256","kid":"{{kid}}","typ":"at+jwt"}""")}.{Base64UrlEncoder.Encode("{}")}.c2ln";

    private async Task<string[]> KidsAsync() =>
        [.. (await _keys.GetConfigurationAsync(TestContext.Current.CancellationToken)).SigningKeys.Select(k => k.KeyId)];

    /// <summary>Identity's discovery document and key set, as a stand-in that counts key-set fetches.</summary>
    private sealed class KeyServer : HttpMessageHandler
    {
        public string[] Kids { get; set; } = [];

        public bool Down { get; set; }

        public int Fetches { get; private set; }

        public int Requests { get; private set; }

        /// <summary>When set, every answer waits for it: a fetch under way.</summary>
        public TaskCompletionSource? Hold { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (Hold is { } hold)
            {
                await hold.Task;
            }

            if (Down)
            {
                return new HttpResponseMessage(HttpStatusCode.InternalServerError);
            }

            var body = request.RequestUri!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => $$"""{"issuer":"shop-identity","jwks_uri":"{{Authority}}/jwks"}""",
                _ => Keys(),
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }

        private string Keys()
        {
            Fetches++;
            var keys = Kids.Select(kid => $$"""{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"{{kid}}","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}""");
            return $$"""{"keys":[{{string.Join(",", keys)}}]}""";
        }
    }

    private sealed class OneClient(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
