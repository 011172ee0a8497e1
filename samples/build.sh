#!/usr/bin/env bash
# Builds the sample plugin the way an outside author would: against the packed SDK packages only.
#   1. packs Lkm.Sdk and Lkm.Sdk.Testing from this checkout into samples/packages (the local feed of nuget.config);
#   2. clears those packages from the samples' own package cache (samples/.nuget/packages), so a re-packed
#      version of the same number is never served stale;
#   3. builds the plugin in Release into a self-contained plugin folder, samples/out/Lkm.Samples.MpegTs/
#      (the plugin DLL and its dependencies, not Lkm.Sdk.dll, which the host shares);
#   4. with --test, also runs the sample's tests (against the Lkm.Sdk.Testing package).
# Drop samples/out/Lkm.Samples.MpegTs into a running server's plugin folder to load it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

run_tests=false
[ "${1:-}" = "--test" ] && run_tests=true

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No MSBuild node or compiler server left running: the interop tests run this script and must leave nothing behind.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
[ -n "$version" ] || { echo "build.sh: no <Version> in $root/Directory.Build.props" >&2; exit 1; }
echo "build.sh: packing Lkm.Sdk $version and Lkm.Sdk.Testing $version into samples/packages"

rm -rf packages
mkdir -p packages
dotnet pack "$root/sdk/Lkm.Sdk/Lkm.Sdk.csproj" -c Release -o packages -nologo -v q
dotnet pack "$root/tests/Lkm.Sdk.Testing/Lkm.Sdk.Testing.csproj" -c Release -o packages -nologo -v q
rm -rf .nuget/packages/lkm.sdk .nuget/packages/lkm.sdk.testing

out="$here/out/Lkm.Samples.MpegTs"
rm -rf "$out"
dotnet build Lkm.Samples.MpegTs/Lkm.Samples.MpegTs.csproj -c Release -o "$out" -nologo -v q "-p:LkmSdkVersion=$version"
if [ -e "$out/Lkm.Sdk.dll" ]; then
  echo "build.sh: $out holds Lkm.Sdk.dll, which the host must share" >&2
  exit 1
fi
echo "build.sh: plugin folder $out:"
ls -1 "$out"

if $run_tests; then
  dotnet test --project Lkm.Samples.MpegTs.Tests/Lkm.Samples.MpegTs.Tests.csproj -c Release "-p:LkmSdkVersion=$version"
fi
