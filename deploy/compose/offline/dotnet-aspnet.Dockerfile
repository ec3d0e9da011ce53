# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0 where no image registry is reachable: the
# .NET and ASP.NET Core runtimes of the machine's own dotnet installation.
# Build context: the dotnet root (e.g. /usr/share/dotnet); DOTNET_VERSION / ASPNET_VERSION name
# the runtime folders under shared/ (deploy/compose/e2e.sh passes them).
ARG BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE}
ARG DOTNET_VERSION
ARG ASPNET_VERSION
ENV DOTNET_VERSION=${DOTNET_VERSION} \
    ASPNET_VERSION=${ASPNET_VERSION}
COPY dotnet LICENSE.txt ThirdPartyNotices.txt /usr/share/dotnet/
COPY host/ /usr/share/dotnet/host/
COPY shared/Microsoft.NETCore.App/${DOTNET_VERSION}/ /usr/share/dotnet/shared/Microsoft.NETCore.App/${DOTNET_VERSION}/
COPY shared/Microsoft.AspNetCore.App/${ASPNET_VERSION}/ /usr/share/dotnet/shared/Microsoft.AspNetCore.App/${ASPNET_VERSION}/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --list-runtimes
