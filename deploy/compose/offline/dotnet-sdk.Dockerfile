# Stand-in for mcr.microsoft.com/dotnet/sdk:10.0 where no image registry is reachable: the aspnet
# stand-in plus the machine's own SDK (sdk/, packs/, sdk-manifests/, templates/) and the tools the
# official SDK image carries that builds use (curl, git, wget).
# Build context: the dotnet root (e.g. /usr/share/dotnet); SDK_VERSION names the folder under sdk/.
ARG BASE=mcr.microsoft.com/dotnet/aspnet:10.0
FROM ${BASE}
ARG SDK_VERSION
ENV DOTNET_SDK_VERSION=${SDK_VERSION} \
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
    DOTNET_NOLOGO=true \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    NUGET_XMLDOC_MODE=skip
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl git libatomic1 wget \
    && rm -rf /var/lib/apt/lists/*
COPY sdk/${SDK_VERSION}/ /usr/share/dotnet/sdk/${SDK_VERSION}/
COPY packs/ /usr/share/dotnet/packs/
COPY sdk-manifests/ /usr/share/dotnet/sdk-manifests/
COPY templates/ /usr/share/dotnet/templates/
RUN dotnet --version
