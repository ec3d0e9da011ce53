namespace Demo.Platform;

/// <summary>The platform answered something the demo cannot go on with (the status and problem body are in the message).</summary>
public sealed class PlatformException(string message) : Exception(message);
