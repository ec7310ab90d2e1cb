#!/usr/bin/env bash
# Idempotent set-up behind `make demo` and `make test` on a fresh Debian 12 machine:
# the Debian packages of deploy/debian-packages.txt, then .venv with the project installed
# editable (with the central and dev extras). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(sed -e 's/#.*//' deploy/debian-packages.txt | awk 'NF {print $1}')
missing=()
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: $python is $("$python" --version 2>&1); Python >= 3.11 is needed (set PYTHON=...)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv with $("$python" --version 2>&1)"
    "$python" -m venv .venv
fi
# Reinstall only when what decides the install changed.
stamp=".venv/.installed-$(cat pyproject.toml deploy/debian-packages.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "bootstrap: installing the project into .venv"
    .venv/bin/python -m pip install -q -e '.[central,dev]'
    rm -f .venv/.installed-*
    touch "$stamp"
fi
