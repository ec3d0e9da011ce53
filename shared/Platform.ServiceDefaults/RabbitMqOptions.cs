namespace Platform.ServiceDefaults;

/// <summary>Broker connection (configuration section <c>RabbitMq</c>, e.g. <c>RabbitMq__Host</c>).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>Broker host name.</summary>
    public string Host { get; set; } = "";

    /// <summary>AMQP port.</summary>
    public ushort Port { get; set; } = 5672;

    /// <summary>Virtual host; every service of one platform shares it.</summary>
    public string VirtualHost { get; set; } = "/";

    /// <summary>User name.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password.</summary>
    public string Password { get; set; } = "";
}
