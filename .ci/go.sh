# Sourced by .ci/run: makes sure `go` is on PATH. npm test's stack suite builds
# the Temporal server from its Go module. A machine without Go gets the
# official toolchain from the Go module proxy (the same zip GOTOOLCHAIN uses),
# unpacked under .cache/go/.

GO_TOOLCHAIN_VERSION=1.26.8

ensure_go() {
  command -v go >/dev/null && return 0
  local arch dir zip
  arch=$(dpkg --print-architecture)
  dir="$PWD/.cache/go/go$GO_TOOLCHAIN_VERSION.linux-$arch"
  if [ ! -x "$dir/bin/go" ]; then
    zip=$(mktemp /tmp/go-toolchain.XXXXXX.zip)
    curl -fsSL --retry 3 -o "$zip" \
      "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch.zip"
    rm -rf "$dir.part" && mkdir -p "$dir.part"
    unzip -q "$zip" -d "$dir.part"
    rm -f "$zip"
    mv "$dir.part/golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch" "$dir"
    rm -rf "$dir.part"
  fi
  export PATH="$dir/bin:$PATH"
  echo "Go from the module proxy: $(go version)"
}

# The stack suite (the last step of npm test) builds the Temporal server of
# the compose file's version from its Go module (tests/helpers/
# temporal-server-build.ts). Start that build now, after npm ci, at the lowest
# CPU priority, so it takes only the CPU the other suites leave idle.
prebuild_temporal_server() {
  local log
  log=$(mktemp /tmp/temporal-server-build.XXXXXX.log)
  nice -n 19 node --import tsx tests/stack/build-temporal-server.ts >"$log" 2>&1 &
  echo "building the Temporal server in the background (nice 19) for the stack suite; log: $log"
}
