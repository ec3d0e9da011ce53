# Stand-in for rabbitmq:3.10-management where no image registry is reachable: Debian's
# rabbitmq-server 3.10 with the management and prometheus plugins and a short self-written
# entrypoint (rabbitmq-entrypoint.sh). RABBITMQ_DEFAULT_USER/PASS/VHOST are read by the server
# itself; rabbitmqadmin is on PATH as in the official management image. Build context: deploy/compose/offline.
#   docker build -f deploy/compose/offline/rabbitmq.Dockerfile -t rabbitmq:3.10-management deploy/compose/offline
FROM debian:bookworm-slim
RUN groupadd -r -g 999 rabbitmq \
    && useradd -r -g rabbitmq -u 999 -d /var/lib/rabbitmq -s /bin/false rabbitmq
RUN apt-get update \
    && apt-get install -y --no-install-recommends rabbitmq-server gosu python3 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && cp /usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins/rabbitmq_management-*/priv/www/cli/rabbitmqadmin /usr/local/bin/ \
    && chmod 755 /usr/local/bin/rabbitmqadmin
# The package's own scripts, not the /usr/sbin wrappers (they send the server log to a file, not stdout).
ENV PATH=/usr/lib/rabbitmq/bin:$PATH \
    HOME=/var/lib/rabbitmq \
    LANG=C.UTF-8
# The health check (rabbitmq-diagnostics) runs as root: give root the server's Erlang cookie.
RUN ln -sf /var/lib/rabbitmq/.erlang.cookie /root/.erlang.cookie \
    && rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus \
    && mkdir -p /etc/rabbitmq/conf.d \
    && printf 'loopback_users.guest = false\nlog.console = true\nlog.console.level = info\n' > /etc/rabbitmq/conf.d/10-defaults.conf \
    && chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/rabbitmq
EXPOSE 4369 5671 5672 15672 15692 25672
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
