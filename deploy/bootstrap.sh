#!/usr/bin/env bash
# Idempotent set-up behind `make demo` and `make test` on a fresh Debian 12 machine:
# the Debian packages of deploy/debian-packages.txt, then .venv with the project installed
# editable (with the central and dev extras). Safe to run again: it only installs what is missing.
# With --packages-only, the Debian packages alone (deploy/install-kiosk.sh makes its own venv).
#
# One line per step says what it is doing and, when it ends, how long it took. apt-get's,
# dpkg's and pip's progress goes to a log file; their errors and warnings (stderr) still reach
# the terminal in full, and when a step fails its whole log is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp "${TMPDIR:-/tmp}/village-kiosk-bootstrap.XXXXXX.log")
step_name=""
step_started=0
steps_run=0

# step NAME [DETAIL]: announce a step (DETAIL only on its first line); step_done ends it.
step() {
    step_name=$1
    step_started=$SECONDS
    steps_run=$((steps_run + 1))
    echo "bootstrap: $step_name${2:+ ($2)} …"
}

step_done() {
    echo "bootstrap: $step_name: done in $((SECONDS - step_started)) s"
    step_name=""
}

on_exit() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -n "$step_name" ]; then
        echo "bootstrap: $step_name FAILED (exit $status); its output follows ($log):" >&2
        cat "$log" >&2
    else
        rm -f "$log"
    fi
}
trap on_exit EXIT

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

packages=$(sed -e 's/#.*//' deploy/debian-packages.txt | awk 'NF {print $1}')
missing=()
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    noun=packages
    if ((${#missing[@]} == 1)); then noun=package; fi
    step "installing ${#missing[@]} Debian $noun" "${missing[*]}; a fresh machine takes minutes"
    "${sudo[@]}" apt-get update -q >>"$log"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log"
    step_done
fi

if [ "${1:-}" = --packages-only ]; then
    exit 0
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: $python is $("$python" --version 2>&1); Python >= 3.11 is needed (set PYTHON=...)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    step "creating .venv with $("$python" --version 2>&1)"
    "$python" -m venv .venv >>"$log"
    step_done
fi
# Reinstall only when what decides the install changed.
stamp=".venv/.installed-$(cat pyproject.toml deploy/debian-packages.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    step "installing the project and its Python packages into .venv" "a fresh .venv takes minutes"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[central,dev]' >>"$log"
    rm -f .venv/.installed-*
    touch "$stamp"
    step_done
fi
if [ "$steps_run" -eq 0 ]; then
    echo "bootstrap: nothing to install: every Debian package is there and .venv is up to date"
fi
