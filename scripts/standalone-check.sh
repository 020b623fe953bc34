#!/usr/bin/env bash
# Proves a fresh clone works on its own: clones HEAD into an empty temporary folder (nothing beside
# the clone), runs `npm ci`, then the standalone scan and a quick part of the suite (provider unit
# tests, fixture-based ingest tests) there. Where possible (root, util-linux `unshare`), the tests
# run with the original checkout's surroundings hidden behind empty mounts, so a read outside the
# clone fails even when it names an absolute path. Needs PostgreSQL and Redis as for `npm test`.
# Usage: bash scripts/standalone-check.sh   (exits non-zero on any failure; STANDALONE_HIDE=dir:dir
# hides more folders)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
log() { printf '[standalone] %s\n' "$*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ipn-gateway-standalone.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/alone"
clone="$work/alone/ipn-gateway"

log "cloning HEAD of $(basename "$repo") into an empty folder"
git clone --quiet --no-local "$repo" "$clone"
cd "$clone"
log "npm ci"
npm ci --no-audit --no-fund --loglevel=error

# Folders to hide: the one the repository sits in, and (for a git worktree) the one the main
# checkout sits in. Never one that contains the clone itself.
hide=("$(dirname "$repo")")
common="$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
[ -n "$common" ] && hide+=("$(dirname "$(dirname "$common")")")
# More folders to hide, colon-separated (e.g. a shared folder elsewhere on this machine).
IFS=: read -r -a extra <<<"${STANDALONE_HIDE:-}"
for dir in "${extra[@]}"; do [ -n "$dir" ] && hide+=("$dir"); done
mounts=()
for dir in "${hide[@]}"; do
  case "$clone/" in "$dir"/*) continue ;; esac
  [ "$dir" = "/" ] && continue
  case " ${mounts[*]-} " in *" $dir "*) continue ;; esac
  mounts+=("$dir")
done

tests=(
  test/ops/standalone.test.ts
  test/providers
  test/ingest/paypal-ingest.test.ts
  test/ingest/twocheckout-ingest.test.ts
)
run="node_modules/.bin/tsx scripts/standalone-scan.ts && node_modules/.bin/vitest run ${tests[*]}"

if [ "$(id -u)" = 0 ] && [ "${#mounts[@]}" -gt 0 ] && unshare --mount --propagation private true 2>/dev/null; then
  log "hiding ${mounts[*]} from the test run"
  # shellcheck disable=SC2016
  unshare --mount --propagation private bash -c '
    set -e
    run="$1"; shift
    for dir in "$@"; do mount -t tmpfs -o ro,size=4k ipn-gateway-hidden "$dir"; done
    eval "$run"
  ' standalone "$run" "${mounts[@]}"
else
  log "running without hiding folders (needs root and unshare); the clone still has nothing beside it"
  bash -c "$run"
fi
log "ok: the clone passed on its own"
