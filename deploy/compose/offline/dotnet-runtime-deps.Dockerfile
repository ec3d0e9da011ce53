# Stand-in for mcr.microsoft.com/dotnet/runtime-deps:10.0 where no image registry is reachable:
# the native libraries .NET needs on Debian 12 and the user `app` (APP_UID 1654) of the official
# images. Build context: deploy/compose/offline (nothing is copied).
FROM debian:bookworm-slim
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid=$APP_UID app \
    && useradd --no-log-init --uid=$APP_UID --gid=$APP_UID --create-home app
