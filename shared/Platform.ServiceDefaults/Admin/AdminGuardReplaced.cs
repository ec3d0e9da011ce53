namespace Platform.ServiceDefaults.Admin;

/// <summary>
/// Registered (as a singleton) by a host that guards <c>/admin/**</c> with a check of its own that is at least as strict:
/// the gateway, whose scoped API keys admit a key with scope <c>admin</c> (the configured admin key among them).
/// <see cref="AdminApiKey.UseAdminApiKey"/> then adds nothing. A registration in code, not a setting: no environment
/// variable can turn the guard off.
/// </summary>
/// <param name="By">What guards <c>/admin/**</c> instead, for the start-up log and readers of the code.</param>
public sealed record AdminGuardReplaced(string By);
