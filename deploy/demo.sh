#!/usr/bin/env bash
# `make demo`: the kiosk in demo mode (simulated devices, demo residents), in a window.
# Without a display it runs on a virtual screen (Xvfb) and says how to see the screens.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/kiosk --demo --windowed "$@"
fi
cat <<'MSG'
make demo: no display here, so the kiosk runs on a virtual screen (Xvfb) until you press Ctrl-C.
To see its screens, run `make tour` (PNG screenshots of every screen in shots/),
or run `make demo` again from a desktop session or over `ssh -X`.
MSG
exec xvfb-run --auto-servernum --server-args='-screen 0 1920x1080x24' \
    .venv/bin/kiosk --demo --windowed "$@"
