#!/usr/bin/env bash
# Consumer test: the packages and the tool as a NuGet user gets them, on this machine (Debian 12 in CI).
#  1. pack every shipped project (src/ and backends/, the rule in Directory.Build.props) into a temporary feed;
#  2. a fresh console app outside the repository (feed + the machine's normal NuGet sources) whose program calls
#     torch.tensor first, then the loss on both engines: both print FastEstimator's 0.22839302; restore warns nothing;
#  2b. the same app with <CrossBackendLargeTensorGC>true</CrossBackendLargeTensorGC>: the runtime takes the package's GC
#     settings for large tensors (64 MB regions, 32 MB large-object threshold, blocking collection); without it, none;
#  3. dotnet publish, make the publish folder read-only, run it as a non-root user: the same two numbers;
#  3b. the same app published as one file (framework-dependent single-file): the same two numbers;
#  4. the run-time fallback on a read-only copy holding TorchSharp's unpatched shim: a numerics-only run works (the
#     torch fix never runs), and TorchEngine.EnsureNativeLoadable() fails saying how to fix it (where libstdc++ lacks
#     the version);
#  5. dotnet tool install the crossbackend tool from the feed into a temporary path; run `parity` and `loss`.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
repo=$PWD
start=$SECONDS
expected=0.22839302
machine_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
run_user=crossbackend-ci

work=$(mktemp -d -t crossbackend-consumer.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"   # the non-root user must reach the published app
feed=$work/feed app=$work/app log=$work/log
mkdir -p "$feed" "$app"
step() { echo "consumer-test: $* ($((SECONDS - start)) s)"; }
fail() { echo "consumer-test: FAILED: $*"; [ -f "$log" ] && tail -n 40 "$log"; exit 1; }
expect_numbers() {  # $1 = what ran, $2 = its output: a line "torch 0.22839302" (unless $3 = numerics-only) and "numerics 0.22839302"
  grep -qx "numerics $expected" <<<"$2" || fail "$1: no 'numerics $expected' line in: $2"
  [ "${3:-}" = numerics-only ] || grep -qx "torch $expected" <<<"$2" || fail "$1: no 'torch $expected' line in: $2"
}
as_user() {  # run as a non-root user (CI runs as root, which ignores read-only permissions)
  if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
  id "$run_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user" || fail "useradd $run_user"
  runuser -u "$run_user" -- env HOME=/nonexistent DOTNET_CLI_TELEMETRY_OPTOUT=1 "$@"
}

# 1. Pack.
for project in $(find src backends -name '*.csproj' | sort); do
  dotnet pack "$project" -c Release -o "$feed" -nologo >"$log" 2>&1 || fail "dotnet pack $project"
done
core=$(ls "$feed"/CrossBackend.Core.*.nupkg) || fail "no CrossBackend.Core package in the feed"
version=${core##*/CrossBackend.Core.}; version=${version%.nupkg}
step "packed $(ls "$feed" | grep -c '\.nupkg$') packages, version $version: $(cd "$feed" && ls *.nupkg | tr '\n' ' ')"

# 2. A fresh console app, as `dotnet new console` + `dotnet add package` would make it.
# Our packages go to a cache of their own (the same version would otherwise be taken from an earlier run's cache
# entry); the machine's cache is a read-only fallback, so libtorch is not downloaded a second time.
export NUGET_PACKAGES=$work/packages
cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- Added to the machine's own sources (nuget.org), not instead of them. -->
  <packageSources>
    <add key="crossbackend-ci-feed" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine-cache" value="$machine_cache" />
  </fallbackPackageFolders>
</configuration>
XML
cat >"$app/ConsumerApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CrossBackend.Backends.Torch" Version="$version" />
    <PackageReference Include="CrossBackend.Backends.Numerics" Version="$version" />
  </ItemGroup>
</Project>
XML
cp .ci/consumer/Program.cs "$app/Program.cs"
cd "$app"
dotnet restore >"$log" 2>&1 || fail "dotnet restore"
if grep -q "warning" "$log"; then fail "restore warned: $(grep warning "$log" | sort -u)"; fi
dotnet build -c Release >"$log" 2>&1 || fail "dotnet build"
out=$(dotnet run -c Release --no-build 2>&1) || fail "dotnet run: $out"
expect_numbers "dotnet run" "$out"
step "consumer app (torch.tensor first, both engines) printed $expected twice; restore gave no warning"

# 2b. The package's opt-in GC settings, in a copy of the app that sets the property (the first app must keep the
# defaults: it is published below).
out=$(dotnet run -c Release --no-build -- gc 2>&1) || fail "dotnet run gc: $out"
grep -qx "GCRegionSize=67108864" <<<"$out" && fail "the GC settings are on without CrossBackendLargeTensorGC: $out"
mkdir -p "$work/app-gc"
cp "$app/nuget.config" "$app/Program.cs" "$work/app-gc/"
sed 's|<OutputType>Exe</OutputType>|<OutputType>Exe</OutputType><CrossBackendLargeTensorGC>true</CrossBackendLargeTensorGC>|' \
  "$app/ConsumerApp.csproj" >"$work/app-gc/ConsumerApp.csproj"
cd "$work/app-gc"
dotnet build -c Release >"$log" 2>&1 || fail "dotnet build with CrossBackendLargeTensorGC"
out=$(dotnet run -c Release --no-build -- gc 2>&1) || fail "dotnet run gc with CrossBackendLargeTensorGC: $out"
expect_numbers "CrossBackendLargeTensorGC app" "$out"
for setting in GCRegionSize=67108864 LOHThreshold=33554432 ConcurrentGC=False; do
  grep -qx "$setting" <<<"$out" || fail "CrossBackendLargeTensorGC: the runtime did not take $setting: $out"
done
cd "$app"
step "CrossBackendLargeTensorGC=true: the runtime took 64 MB regions, a 32 MB large-object threshold, blocking GC; none without it"

# 3. Publish; read-only; non-root.
dotnet publish -c Release -o "$work/publish" >"$log" 2>&1 || fail "dotnet publish"
chmod -R a-w "$work/publish"
out=$(as_user dotnet "$work/publish/ConsumerApp.dll" 2>&1) || fail "published app as $run_user: $out"
expect_numbers "read-only publish as a non-root user" "$out"
step "published app, read-only folder, non-root user: $expected twice"

# 3b. A single-file app (framework-dependent): engines are found by assembly name, not only by file scan; TorchSharp's
# native libraries stay beside the executable.
cd "$app"
dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishSingleFile=true -o "$work/single" >"$log" 2>&1 \
  || fail "dotnet publish single-file"
[ ! -e "$work/single/CrossBackend.Core.dll" ] || fail "single-file publish left CrossBackend.Core.dll beside the executable"
chmod -R a-w "$work/single"
out=$(as_user "$work/single/ConsumerApp" 2>&1) || fail "single-file app as $run_user: $out"
expect_numbers "single-file app" "$out"
step "single-file app (no CrossBackend.*.dll files beside it), read-only, non-root user: $expected twice"

# 4. The run-time fallback, on a read-only copy holding TorchSharp's unpatched shim (as a build without the targets).
cp -a "$work/publish" "$work/unpatched"
chmod -R u+w "$work/unpatched"
shim=runtimes/linux-x64/native/libLibTorchSharp.so
cp "$machine_cache/torchsharp/0.107.0/$shim" "$work/unpatched/$shim" || fail "no TorchSharp 0.107.0 shim in $machine_cache"
chmod -R a-w "$work/unpatched"
out=$(as_user dotnet "$work/unpatched/ConsumerApp.dll" numerics 2>&1) || fail "numerics-only run beside an unpatched shim: $out"
expect_numbers "numerics-only run beside an unpatched shim" "$out" numerics-only
if grep -q 'GLIBCXX_3\.4\.32' "$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')" 2>/dev/null; then
  step "numerics-only beside an unpatched shim: fine; this libstdc++ has GLIBCXX_3.4.32, no failure to explain"
else
  out=$(as_user dotnet "$work/unpatched/ConsumerApp.dll" ensure 2>&1) && fail "EnsureNativeLoadable() on a read-only unpatched shim should fail here, printed: $out"
  grep -q "InvalidOperationException" <<<"$out" && grep -q "CrossBackend.Backends.Torch package" <<<"$out" \
    || fail "EnsureNativeLoadable() failed without saying how to fix it: $out"
  step "numerics-only beside an unpatched read-only shim: $expected; EnsureNativeLoadable() explains the fix:"
  grep -m1 InvalidOperationException <<<"$out"
fi

# 5. The tool.
cd "$work"
dotnet tool install --tool-path "$work/tools" --add-source "$feed" crossbackend --version "$version" >"$log" 2>&1 || fail "dotnet tool install"
out=$("$work/tools/crossbackend" parity 2>&1) || fail "crossbackend parity: $out"
grep -q "$expected" <<<"$out" || fail "crossbackend parity does not show $expected: $out"
base64 -d >"$work/pred.npy" <<<"k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArNzMw9zcxMP83MzD1mZmY/zcxMPc3MTD3NzMw9zcxMPjMzMz8="
base64 -d >"$work/true.npy" <<<"k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAAAAAIA/AAAAAAAAAAAAAAAAAAAAAAAAgD8="
out=$("$work/tools/crossbackend" loss categorical_crossentropy --pred "$work/pred.npy" --true "$work/true.npy" --backend torch 2>&1) \
  || fail "crossbackend loss: $out"
grep -q "$expected" <<<"$out" || fail "crossbackend loss does not show $expected: $out"
step "dotnet tool install crossbackend: parity and loss (torch) show $expected"

echo "consumer-test: passed in $((SECONDS - start)) s"
