# Sourced, not run: `. scripts/node.sh && npm ci && npm start`.
#
# cvgen needs Node.js 24 (package.json's engines). Machines of our kind ship Node 20, so when
# the node on PATH is older than that floor, this installs Node 24 from the npm registry's
# node-<os>-<arch> package (a plain binary inside a registry package) into .node/ of the
# project, and puts it first on PATH of the calling shell. npm itself is a script that runs
# under whichever node PATH finds first, so the machine's npm then runs on Node 24 too.
# Idempotent: a second source costs one `node -v`. A script cannot change its caller's PATH,
# hence `.` (source) rather than running it.

cvgen_node_version=24.22.3
cvgen_node_floor=24

cvgen_node_major () {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

cvgen_node_setup () {
  # The project folder: this file's grandparent when the shell tells (bash, zsh), else the
  # current folder (README's commands run from the project root).
  cvgen_root=$PWD
  if [ -n "${BASH_SOURCE:-}" ]; then
    cvgen_root=$(cd "$(dirname "${BASH_SOURCE}")/.." && pwd)
  elif [ -n "${ZSH_VERSION:-}" ]; then
    cvgen_root=$(cd "$(dirname "${(%):-%x}")/.." && pwd)
  fi
  cvgen_bin="$cvgen_root/.node/node_modules/node-bin/bin"

  if [ -x "$cvgen_bin/node" ]; then
    case ":$PATH:" in *":$cvgen_bin:"*) ;; *) PATH="$cvgen_bin:$PATH"; export PATH ;; esac
  fi
  [ "$(cvgen_node_major)" -ge "$cvgen_node_floor" ] && return 0

  case "$(uname -s)" in
    Linux) cvgen_os=linux ;;
    Darwin) cvgen_os=darwin ;;
    *) echo "scripts/node.sh: no Node.js $cvgen_node_floor package for $(uname -s); install Node.js >= $cvgen_node_floor yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) cvgen_arch=x64 ;;
    aarch64|arm64) cvgen_arch=arm64 ;;
    armv7l) cvgen_arch=armv7l ;;
    ppc64le) cvgen_arch=ppc64le ;;
    s390x) cvgen_arch=s390x ;;
    *) echo "scripts/node.sh: no Node.js package for $(uname -m); install Node.js >= $cvgen_node_floor yourself" >&2; return 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { echo "scripts/node.sh: npm is needed to fetch Node.js $cvgen_node_version" >&2; return 1; }

  echo "scripts/node.sh: node $(node -v 2>/dev/null || echo 'not found') is below $cvgen_node_floor; installing node-$cvgen_os-$cvgen_arch@$cvgen_node_version into .node/" >&2
  # An npm alias (node-bin) keeps the folder name the same on every platform.
  mkdir -p "$cvgen_root/.node" &&
    npm install --prefix "$cvgen_root/.node" --no-audit --no-fund --no-save --loglevel=error \
      "node-bin@npm:node-$cvgen_os-$cvgen_arch@$cvgen_node_version" >&2 || {
    echo "scripts/node.sh: could not install Node.js $cvgen_node_version from the npm registry" >&2
    return 1
  }
  case ":$PATH:" in *":$cvgen_bin:"*) ;; *) PATH="$cvgen_bin:$PATH"; export PATH ;; esac
  [ "$(cvgen_node_major)" -ge "$cvgen_node_floor" ] || { echo "scripts/node.sh: $cvgen_bin/node does not run here" >&2; return 1; }
}

cvgen_node_setup
