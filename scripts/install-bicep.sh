#!/usr/bin/env bash
# Installs the real Bicep compiler (the `bicep` CLI) into .tools/bicep/<version>/ in this repo, without
# root: the CLI ships as a self-contained linux-x64 binary inside the NuGet package
# Azure.Bicep.CommandLine.linux-x64, so `dotnet restore` of a throwaway project that only *downloads*
# that package (PackageDownload: no assets, no framework compatibility checks) fetches it from the
# NuGet feed the machine is configured with. Idempotent: a no-op (milliseconds) when that version is
# already there. Prints the path of the binary on its last line.
#
#   scripts/install-bicep.sh            install (if needed) and print the binary's path
#   BICEP_VERSION=0.48.1 scripts/...    another version (the pin below is what CI and check:infra use)
#
# Users deploying from their own machine do not need this: `az bicep install` (or azd) brings its own.
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
PACKAGE="Azure.Bicep.CommandLine.linux-x64"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.tools/bicep/$BICEP_VERSION"
BIN="$DEST/bicep"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    echo "install-bicep: only linux-x64 is handled here; install Bicep with 'az bicep install' instead" >&2
    exit 1
    ;;
esac
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-bicep: needs the .NET SDK ('dotnet') to fetch $PACKAGE from NuGet; or use 'az bicep install'" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/fetch-bicep.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <DisableImplicitNuGetFallbackFolder>true</DisableImplicitNuGetFallbackFolder>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore "$WORK/fetch-bicep.csproj" --packages "$WORK/packages" --verbosity quiet >&2

# NuGet lower-cases the folder names; find the binary wherever the package keeps it.
FOUND="$(find "$WORK/packages" -type f -name bicep | head -n 1)"
if [ -z "$FOUND" ]; then
  echo "install-bicep: $PACKAGE $BICEP_VERSION restored, but no 'bicep' binary in it" >&2
  exit 1
fi
mkdir -p "$DEST.tmp"
cp "$FOUND" "$DEST.tmp/bicep"
chmod +x "$DEST.tmp/bicep"
"$DEST.tmp/bicep" --version >&2
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "$BIN"
