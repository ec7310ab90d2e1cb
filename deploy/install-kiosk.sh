#!/usr/bin/env bash
# Install the kiosk on a Debian 12 machine (as root), or into a disk image (--root DIR).
# Safe to run again: every step checks what is there first, and keeps the local settings.
#
#   deploy/install-kiosk.sh [--root DIR] [--sam-usb VID:PID[:SERIAL|@PORT]]
#                           [--receipt-usb VID:PID[:SERIAL|@PORT]] [--no-enable]
#
# What it does:
#   1. the Debian packages of deploy/debian-packages.txt (not with --root: the image's own)
#   2. the user `kiosk` (system user, no login shell, no home) in dialout, lp, video, input,
#      render: the serial ports, CUPS, and cage's screen, touch and GPU
#   3. the program in /opt/village-kiosk with its own venv (from Debian's /usr/bin/python3)
#   4. /var/lib/village-kiosk (state: logs, outbox, print journal) 0700 kiosk, and
#      /etc/village-kiosk: kiosk.toml (0640 root:kiosk) and kiosk.env (secrets, 0600 root)
#   5. the systemd unit and the udev rules (/dev/kiosk-sam, /dev/kiosk-receipt)
#   6. CUPS keeps no job files (deploy/configure-cups.sh) and the service is enabled
# Then: put the kiosk's id and secret from `kiosk-central device add` in kiosk.env, the centre's
# URL and the site in kiosk.toml, and reboot (README: "Installing a kiosk").
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)

root=/
sam_usb=""
receipt_usb=""
enable=yes
usage() {
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while (($#)); do
    case $1 in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --sam-usb) sam_usb=${2:?--sam-usb needs VID:PID}; shift 2 ;;
    --receipt-usb) receipt_usb=${2:?--receipt-usb needs VID:PID}; shift 2 ;;
    --no-enable) enable=no; shift ;;
    -h | --help) usage ;;
    *) echo "install-kiosk: unknown argument $1" >&2; usage ;;
    esac
done
# match KEYS for a udev rule from VID:PID, VID:PID:SERIAL or VID:PID@USB-PORT
udev_match() {
    local spec=$1 ids port="" serial=""
    case $spec in
    *@*) ids=${spec%@*}; port=${spec#*@} ;;
    *) ids=$spec ;;
    esac
    local vid=${ids%%:*} rest=${ids#*:}
    local pid=${rest%%:*}
    if [ "$rest" != "$pid" ]; then serial=${rest#*:}; fi
    if ! [[ $vid =~ ^[0-9a-fA-F]{4}$ && $pid =~ ^[0-9a-fA-F]{4}$ ]]; then
        echo "install-kiosk: $spec: expected VID:PID in hex, such as 1a86:7523" >&2
        exit 2
    fi
    local keys="ATTRS{idVendor}==\"${vid,,}\", ATTRS{idProduct}==\"${pid,,}\""
    if [ -n "$serial" ]; then keys+=", ATTRS{serial}==\"$serial\""; fi
    if [ -n "$port" ]; then keys+=", KERNELS==\"$port\""; fi
    echo "$keys"
}

for spec in "$sam_usb" "$receipt_usb"; do
    if [ -n "$spec" ]; then udev_match "$spec" >/dev/null; fi # refused before anything is written
done
if [ "$(id -u)" -ne 0 ]; then
    echo "install-kiosk: run as root (sudo $0 $*)" >&2
    exit 2
fi
root=$(cd "$root" && pwd)
live=no # acting on the running system (udev, systemd, CUPS), not an image
if [ "$root" = / ]; then live=yes; fi
say() { echo "install-kiosk: $*"; }

# 1. Debian packages
if [ "$live" = yes ]; then
    "$source_dir/deploy/bootstrap.sh" --packages-only
fi

# 2. the user
groups=dialout,lp,video,input,render
if ! grep -q '^kiosk:' "$root/etc/passwd"; then
    say "creating the system user kiosk"
    useradd --prefix "$root" --system --user-group --no-create-home \
        --home-dir /var/lib/village-kiosk --shell /usr/sbin/nologin \
        --comment "village service kiosk" kiosk
fi
for group in ${groups//,/ }; do
    if ! grep -q "^$group:" "$root/etc/group"; then
        groupadd --prefix "$root" --system "$group"
    fi
done
usermod --prefix "$root" --append --groups "$groups" kiosk

# 3. the program and its venv
app=$root/opt/village-kiosk
install -d -m 0755 "$app"
say "copying the program to /opt/village-kiosk"
tar -C "$source_dir" --exclude=.venv --exclude=.git --exclude='__pycache__' \
    --exclude='*.egg-info' -cf - kiosk drivers ui central assets deploy pyproject.toml README.md |
    tar -C "$app" -xf -
python=/usr/bin/python3
stamp="$app/.venv/.installed-$(cat "$app/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    say "installing the Python packages into /opt/village-kiosk/.venv (minutes the first time)"
    "$python" -m venv "$app/.venv"
    "$app/.venv/bin/python" -m pip install -q --disable-pip-version-check -e "$app"
    rm -f "$app"/.venv/.installed-*
    touch "$stamp"
fi
if [ "$root" != / ]; then
    # The venv was made here; in the image it must name the image's paths, not ours.
    { grep -rlIF "$root/opt/village-kiosk" "$app/.venv" || true; } |
        xargs -r sed -i "s|$root/opt/village-kiosk|/opt/village-kiosk|g"
fi

# 4. state and settings
kiosk_ids=$(awk -F: '$1 == "kiosk" {print $3 ":" $4}' "$root/etc/passwd")
install -d -m 0700 -o "${kiosk_ids%:*}" -g "${kiosk_ids#*:}" \
    "$root/var/lib/village-kiosk" "$root/var/lib/village-kiosk/logs" \
    "$root/var/lib/village-kiosk/cache"
install -d -m 0750 -o root -g "${kiosk_ids#*:}" "$root/etc/village-kiosk"
if [ ! -f "$root/etc/village-kiosk/kiosk.toml" ]; then
    say "writing /etc/village-kiosk/kiosk.toml (every key documented; edit the site and centre)"
    install -m 0640 -o root -g "${kiosk_ids#*:}" "$app/deploy/kiosk.example.toml" \
        "$root/etc/village-kiosk/kiosk.toml"
    sed -i 's|^state_dir = .*|state_dir = "/var/lib/village-kiosk"|' \
        "$root/etc/village-kiosk/kiosk.toml"
fi
if [ ! -f "$root/etc/village-kiosk/kiosk.env" ]; then
    umask 077
    cat >"$root/etc/village-kiosk/kiosk.env" <<'ENV'
# The kiosk's secrets, read by systemd for the service only (root, 0600).
# KIOSK_ID and KIOSK_DEVICE_SECRET: from `kiosk-central device add` on the centre.
# KIOSK_TECH_PIN_HASH: from `kiosk-diag hash-pin` (the diagnostics screen's PIN).
KIOSK_ID=
KIOSK_DEVICE_SECRET=
KIOSK_TECH_PIN_HASH=
ENV
    umask 022
fi
chmod 0600 "$root/etc/village-kiosk/kiosk.env"
chown root:root "$root/etc/village-kiosk/kiosk.env"

# 5. the unit and the udev rules
install -D -m 0644 "$app/deploy/village-kiosk.service" \
    "$root/etc/systemd/system/village-kiosk.service"
rules=$root/etc/udev/rules.d/99-village-kiosk.rules
if [ -n "$sam_usb$receipt_usb" ] || [ ! -f "$rules" ]; then
    install -d "$root/etc/udev/rules.d"
    {
        grep '^#' "$app/deploy/99-village-kiosk.rules" | grep -v "installer's template"
        while read -r line; do
            case $line in
            *@SAM@*) spec=$sam_usb; marker=@SAM@ ;;
            *@RECEIPT@*) spec=$receipt_usb; marker=@RECEIPT@ ;;
            *) continue ;;
            esac
            if [ -n "$spec" ]; then
                echo "${line/$marker/$(udev_match "$spec")}"
            else
                echo "# not given to install-kiosk.sh: ${line/$marker/ATTRS{idVendor}==\"????\"}"
            fi
        done <"$app/deploy/99-village-kiosk.rules"
    } >"$rules.new"
    mv "$rules.new" "$rules"
    chmod 0644 "$rules"
    say "udev rules: $(grep -c '^SUBSYSTEM' "$rules") device(s) named"
fi

# 6. CUPS, systemd
if [ "$live" = yes ]; then
    if [ -d /run/udev ]; then
        udevadm control --reload && udevadm trigger --subsystem-match=tty
    fi
    if lpstat -r >/dev/null 2>&1; then
        "$app/deploy/configure-cups.sh"
    else
        say "CUPS is not running: run deploy/configure-cups.sh once it is"
    fi
fi
if [ "$enable" = yes ]; then
    if [ "$live" = yes ] && [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable village-kiosk.service
        systemctl set-default graphical.target
    else
        systemctl --root="$root" enable village-kiosk.service
        if [ -e "$root/lib/systemd/system/graphical.target" ]; then
            systemctl --root="$root" set-default graphical.target
        else
            say "no graphical.target in $root: boot it into graphical.target yourself"
        fi
    fi
fi
say "done. Next: /etc/village-kiosk/kiosk.env (id, secret, PIN hash), kiosk.toml, then reboot"
