namespace Shop.ServiceDefaults.OpenApi;

/// <summary>A request body that shows API clients a valid example of itself in the API description.</summary>
public interface IHasExample<out TSelf>
{
    static abstract TSelf Example { get; }
}
