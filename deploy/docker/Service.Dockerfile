# One Dockerfile for all five ASP.NET Core services (Ingestion, Segmentation,
# Campaigns, Measurement, Gateway). The build context is the repository root:
#
#   docker build -f deploy/docker/Service.Dockerfile --build-arg SERVICE=Ingestion -t platform/ingestion .
#
# SERVICE is the folder under services/ and also the project and assembly name
# (services/Ingestion/Ingestion.csproj -> Ingestion.dll). It only selects what the
# runtime stage copies: the build stage restores and publishes every service, so
# the five images of docker-compose.yml share one restore and one compile (the
# price: a change in one service rebuilds all five).
#
# Only classic Dockerfile syntax is used (no BuildKit-only features such as
# RUN --mount or COPY --parents), so it builds with the legacy builder that
# docker-compose 1.29 uses by default as well as with BuildKit.

# --- projects: only the files `dotnet restore` needs --------------------------
# Copies shared/ and every service, then deletes everything except project and
# MSBuild files. COPY --from this stage has an unchanged checksum as long as no
# project file changed, so the restore layer below stays cached while source
# files change, without having to list every project by name here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY shared/ shared/
COPY services/ services/
RUN find . -type f ! -name '*.csproj' ! -name '*.props' ! -name '*.targets' ! -name 'packages.lock.json' -delete \
    && find . -mindepth 1 -type d -empty -delete

# --- build: every service, whatever SERVICE is ---------------------------------
# This stage does not use SERVICE on purpose: its layers are the same for all five
# images, so `docker-compose build` restores and compiles once (BuildKit runs an
# identical step of concurrent builds once; the legacy builder finds it in its
# cache after the first image) instead of five times. /app/<Service> holds each
# published service.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /src
# .editorconfig matters: the build enforces code style with warnings as errors.
COPY global.json .editorconfig Directory.Build.props Directory.Packages.props ./
COPY --from=projects /src/ ./
RUN for project in services/*/*.csproj; do dotnet restore "$project" || exit 1; done
COPY shared/ shared/
COPY services/ services/
# UseAppHost=false: the image starts the app with `dotnet X.dll`, no native launcher needed.
RUN for project in services/*/*.csproj; do \
        name="$(basename "$project" .csproj)"; \
        dotnet publish "$project" -c Release -o "/app/$name" --no-restore -p:UseAppHost=false || exit 1; \
    done

# --- runtime -------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="${SERVICE}"
# The .NET images set ASPNETCORE_HTTP_PORTS=8080; it is cleared so that Kestrel
# does not log a warning about URLS overriding it.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    APP_DLL=${SERVICE}.dll
WORKDIR /app
# Files stay owned by root: the app user can read but not modify them.
COPY --from=build /app/${SERVICE}/ ./
RUN test -f "/app/${SERVICE}.dll" || { echo "build arg SERVICE='${SERVICE}' is not a folder under services/ (e.g. --build-arg SERVICE=Ingestion)" >&2; exit 1; }
# Non-root user `app` that the .NET images ship (APP_UID=1654).
USER $APP_UID
EXPOSE 8080
# The aspnet image has no curl/wget; bash's /dev/tcp speaks just enough HTTP.
# No Host header on purpose: HTTP/1.0 allows that and host filtering lets an
# empty Host through, whatever AllowedHosts says.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == *' 200 '* ]]"]
# exec: dotnet becomes PID 1 and gets SIGTERM directly for a graceful shutdown.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"/app/$APP_DLL\" \"$@\"", "--"]
