# One image for the web app and the workers: `dotnet riskops.dll serve|worker ...`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so code edits do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt ./
COPY etl/RiskOps.Etl/RiskOps.Etl.csproj etl/RiskOps.Etl/
COPY sql/RiskOps.Sql/RiskOps.Sql.csproj sql/RiskOps.Sql/
COPY reports/RiskOps.Reports/RiskOps.Reports.csproj reports/RiskOps.Reports/
COPY web/RiskOps.Web/RiskOps.Web.csproj web/RiskOps.Web/
COPY cli/RiskOps.Cli/RiskOps.Cli.csproj cli/RiskOps.Cli/
RUN dotnet restore cli/RiskOps.Cli/RiskOps.Cli.csproj
COPY etl/ etl/
COPY sql/ sql/
COPY reports/ reports/
COPY web/ web/
COPY cli/ cli/
# A build tree copied from a developer machine carries bin/obj (host paths in project.assets.json): drop them,
# then restore again (packages are already in this layer's cache) and publish.
RUN find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
 && dotnet publish cli/RiskOps.Cli/RiskOps.Cli.csproj -c Release -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The lake, the landing folder and the key ring live on volumes; the image's non-root user owns them.
RUN mkdir -p /data/lake /data/landing /data/keys && chown -R app:app /data
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_ENVIRONMENT=Production
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["dotnet", "riskops.dll"]
CMD ["serve", "--lake", "/data/lake"]
