"""The kiosk's configuration: one TOML file, every key with a default, secrets from the environment.

Each section is a frozen dataclass whose fields carry their own validation rules (`setting`), so
the schema, the defaults, the checks and the documentation of `deploy/kiosk.example.toml` cannot
drift apart. `load()` raises `ConfigError` whose lines each name one bad key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PIN_HASH_PATTERN = re.compile(r"^pbkdf2_sha256\$\d+\$[0-9a-f]{32}\$[0-9a-f]{64}$")


class ConfigError(ValueError):
    """The configuration is unusable. `problems` holds one line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def setting(
    default: Any,
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] | None = None,
    pattern: re.Pattern[str] | None = None,
    env: str | None = None,
    secret: bool = False,
) -> Any:
    """A config key: its default, one line of documentation and the rules a value must meet."""
    rules = {
        "help": help,
        "minimum": minimum,
        "maximum": maximum,
        "choices": choices,
        "pattern": pattern,
        "env": env,
        "secret": secret,
    }
    return field(default=default, metadata=rules)


@dataclass(frozen=True, slots=True)
class KioskSection:
    id: str = setting("demo-0001", "Kiosk id as registered at the central service", env="KIOSK_ID")
    device_secret: str = setting(
        "",
        "HMAC secret shared with the central service (set through the environment)",
        env="KIOSK_DEVICE_SECRET",
        secret=True,
    )
    site_name: str = setting("便民服务站", "Name of the service point shown on the attract screen")
    language: str = setting("zh_CN", "Language a session starts in", choices=("zh_CN", "en"))
    state_dir: str = setting(
        "",
        "Writable folder for logs and the outbox; empty: $XDG_STATE_HOME/village-kiosk",
        env="KIOSK_STATE_DIR",
    )


@dataclass(frozen=True, slots=True)
class ScreenSection:
    dpi: float = setting(96.0, "Physical dots per inch of the touchscreen", minimum=50, maximum=400)
    min_touch_mm: float = setting(
        18.0, "Smallest side of anything a finger must hit, in millimetres", minimum=18, maximum=40
    )
    width_px: int = setting(
        1920, "Window width in windowed mode and tours", minimum=800, maximum=7680
    )
    height_px: int = setting(
        1080, "Window height in windowed mode and tours", minimum=600, maximum=4320
    )


@dataclass(frozen=True, slots=True)
class SessionSection:
    idle_timeout_s: int = setting(
        60, "Seconds without a touch before a session ends", minimum=20, maximum=900
    )
    elder_idle_timeout_s: int = setting(
        120,
        "The same in elder mode (长辈模式): at least twice idle_timeout_s",
        minimum=40,
        maximum=1800,
    )
    timeout_warning_s: int = setting(
        15, "The countdown shown before a session ends", minimum=5, maximum=60
    )
    elder_offer_age: int = setting(
        60,
        "Offer elder mode (长辈模式) on the welcome to residents this old or older; 0: never",
        minimum=0,
        maximum=120,
    )
    crash_restart_s: int = setting(
        20, "Seconds the crash screen shows before the app restarts", minimum=3, maximum=600
    )


@dataclass(frozen=True, slots=True)
class DevicesSection:
    idcard_reader: str = setting(
        "none",
        "Resident ID card reader: the SAM module on a serial port, or none "
        "(`--demo` always uses the simulator)",
        choices=("none", "sam-serial"),
    )
    smartcard_reader: str = setting(
        "none",
        "Social security card reader: a PC/SC reader through pcscd, or none",
        choices=("none", "pcsc"),
    )
    idcard_port: str = setting("/dev/ttyUSB0", "Serial port of the ID card reader's SAM module")
    idcard_baud: int = setting(
        115_200,
        "Line rate of the SAM module (`kiosk-diag` can scan for it)",
        minimum=9_600,
        maximum=115_200,
    )
    card_poll_interval_s: float = setting(
        0.25, "How often the reader is asked whether a card is present", minimum=0.05, maximum=2
    )
    a4_printer: str = setting(
        "cups",
        "A4 printer for certificates: a CUPS queue, a folder that collects PDFs (what `--demo` "
        "uses), or none (certificate services are shown as unavailable)",
        choices=("cups", "folder", "none"),
    )
    a4_queue: str = setting("", "CUPS queue of the A4 printer; empty: the server's default")
    cups_server: str = setting(
        "", "CUPS server (host[:port] or a socket path); empty: libcups's own default"
    )
    print_folder: str = setting(
        "", "Folder of the `folder` printer; empty: `demo-prints/` under the state directory"
    )
    print_timeout_s: float = setting(
        120.0,
        "Seconds a certificate may take to print before the job counts as failed",
        minimum=10,
        maximum=900,
    )
    receipt_printer: str = setting(
        "none",
        "80 mm receipt printer: ESC/POS on a serial port, or none",
        choices=("none", "escpos-serial"),
    )
    receipt_port: str = setting("/dev/ttyS1", "Serial port of the receipt printer")
    receipt_baud: int = setting(
        115_200, "Line rate of the receipt printer", minimum=9_600, maximum=115_200
    )
    scanner: str = setting(
        "none",
        "Document capture (scanner or 高拍仪) through SANE, or none (`--demo`: SANE's test device)",
        choices=("none", "sane"),
    )
    scanner_device: str = setting(
        "", "SANE device name (`scanimage -L`, e.g. v4l:/dev/video0); empty: the first found"
    )


@dataclass(frozen=True, slots=True)
class VoiceSection:
    player: str = setting(
        "aplay -q",
        "Command that plays a WAV read on its standard input (aplay, pw-play -)",
        env="KIOSK_VOICE_PLAYER",
    )
    rate: int = setting(
        150, "Speaking rate in words a minute (再听一遍 keeps it)", minimum=80, maximum=260
    )
    volume: float = setting(
        0.8, "Loudness from 0.2 to 1.0; residents change it on screen", minimum=0.2, maximum=1.0
    )


@dataclass(frozen=True, slots=True)
class CentralSection:
    url: str = setting(
        "",
        "Base URL of the central service, e.g. https://zw.example.gov.cn; empty: none "
        "(`--demo` starts the reference service on loopback when this is empty)",
        env="KIOSK_CENTRAL_URL",
    )
    ca_bundle: str = setting(
        "", "PEM file of the CAs that sign the centre's certificate; empty: the system's"
    )
    client_cert: str = setting("", "PEM client certificate, when the centre asks for one")
    client_key: str = setting("", "PEM key of the client certificate")
    connect_timeout_s: float = setting(3.0, "Seconds to connect", minimum=0.2, maximum=60)
    read_timeout_s: float = setting(10.0, "Seconds to wait for an answer", minimum=0.5, maximum=120)
    retries: int = setting(2, "Extra tries of a call that is safe to repeat", minimum=0, maximum=5)
    heartbeat_interval_s: int = setting(60, "Seconds between heartbeats", minimum=10, maximum=3600)
    outbox_max_events: int = setting(
        10_000, "Events the outbox holds before it drops heartbeats", minimum=100, maximum=1_000_000
    )


@dataclass(frozen=True, slots=True)
class LoggingSection:
    level: str = setting(
        "INFO", "Least severe level logged", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    file_max_bytes: int = setting(
        5_000_000, "Size at which the log file rotates", minimum=65_536, maximum=100_000_000
    )
    file_backups: int = setting(5, "Rotated log files kept", minimum=1, maximum=50)


@dataclass(frozen=True, slots=True)
class TechnicianSection:
    pin_hash: str = setting(
        "",
        "PBKDF2 hash of the technicians' PIN, from `kiosk-diag hash-pin`; empty: no access",
        pattern=PIN_HASH_PATTERN,
        env="KIOSK_TECH_PIN_HASH",
        secret=True,
    )
    corner: str = setting(
        "top-left",
        "Corner of the screen a technician presses to reach the diagnostics screen",
        choices=("top-left", "top-right", "bottom-left", "bottom-right"),
    )
    hold_s: float = setting(
        5.0, "How long that corner is pressed before the PIN is asked", minimum=2, maximum=15
    )


@dataclass(frozen=True, slots=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    screen: ScreenSection = field(default_factory=ScreenSection)
    session: SessionSection = field(default_factory=SessionSection)
    devices: DevicesSection = field(default_factory=DevicesSection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    central: CentralSection = field(default_factory=CentralSection)
    logging: LoggingSection = field(default_factory=LoggingSection)
    technician: TechnicianSection = field(default_factory=TechnicianSection)

    @property
    def state_dir(self) -> Path:
        if self.kiosk.state_dir:
            return Path(self.kiosk.state_dir)
        base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
        return Path(base) / "village-kiosk"


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number"}

# Section name -> its dataclass, in file order. (Field types are strings under
# `from __future__ import annotations`, so the classes are named here rather than resolved.)
SECTIONS: dict[str, type[Any]] = {
    "kiosk": KioskSection,
    "screen": ScreenSection,
    "session": SessionSection,
    "devices": DevicesSection,
    "voice": VoiceSection,
    "central": CentralSection,
    "logging": LoggingSection,
    "technician": TechnicianSection,
}


def keys() -> list[tuple[str, dataclasses.Field[Any]]]:
    """Every config key as (`section.key`, its field), in schema order."""
    return [
        (f"{section}.{f.name}", f)
        for section, cls in SECTIONS.items()
        for f in dataclasses.fields(cls)
    ]


def _check(key: str, f: dataclasses.Field[Any], value: Any) -> tuple[Any, str | None]:
    """Return the value converted to the key's type, or the one-line problem with it."""
    wanted = type(f.default)
    rules = f.metadata
    given = value
    if wanted is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, wanted):
        return value, f"{key} must be {_TYPE_NAMES[wanted]}, got {value!r}"
    if rules["choices"] is not None and value not in rules["choices"]:
        allowed = ", ".join(rules["choices"])
        return value, f"{key} must be one of {allowed}; got {value!r}"
    low, high = rules["minimum"], rules["maximum"]
    if low is not None and high is not None and not low <= value <= high:
        return value, f"{key} must be between {low:g} and {high:g}, got {given!r}"
    if rules["pattern"] is not None and value and not rules["pattern"].match(value):
        shown = "(hidden)" if rules["secret"] else repr(value)
        return value, f"{key} has the wrong format {shown}; make one with `kiosk-diag hash-pin`"
    return value, None


def from_mapping(data: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Config:
    """Validate a parsed TOML document plus environment overrides into a `Config`."""
    environ = os.environ if environ is None else environ
    problems: list[str] = []
    for section in data:
        if section not in SECTIONS:
            problems.append(f"unknown section [{section}]; known sections: {', '.join(SECTIONS)}")
    sections: dict[str, Any] = {}
    for section, cls in SECTIONS.items():
        given = data.get(section, {})
        if not isinstance(given, Mapping):
            problems.append(f"[{section}] must be a table of keys, got {given!r}")
            given = {}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for name in given:
            if name not in fields:
                problems.append(
                    f"unknown key {section}.{name}; keys of [{section}]: {', '.join(fields)}"
                )
        values: dict[str, Any] = {}
        for name, f in fields.items():
            key = f"{section}.{name}"
            if f.metadata["env"] and f.metadata["env"] in environ:
                value: Any = environ[f.metadata["env"]]
                key = f"{key} (from ${f.metadata['env']})"
            elif name in given:
                value = given[name]
            else:
                continue
            value, problem = _check(key, f, value)
            if problem:
                problems.append(problem)
            else:
                values[name] = value
        sections[section] = cls(**values)
    config = Config(**sections)
    if not problems:
        problems += _cross_checks(config)
    if problems:
        raise ConfigError(problems)
    return config


def _cross_checks(config: Config) -> list[str]:
    """Rules that involve two keys, or the files a key names."""
    problems = []
    session, central = config.session, config.central
    if session.timeout_warning_s >= session.idle_timeout_s:
        problems.append(
            "session.timeout_warning_s must be shorter than session.idle_timeout_s, got "
            f"{session.timeout_warning_s} and {session.idle_timeout_s}"
        )
    if session.elder_idle_timeout_s < 2 * session.idle_timeout_s:
        problems.append(
            "session.elder_idle_timeout_s must be at least twice session.idle_timeout_s "
            f"(elders get more time), got {session.elder_idle_timeout_s} and "
            f"{session.idle_timeout_s}"
        )
    if central.url and not re.match(r"^https?://[^/\s]+", central.url):
        problems.append(
            f"central.url must start with https:// (or http:// on loopback), got {central.url!r}"
        )
    if bool(central.client_cert) != bool(central.client_key):
        problems.append("central.client_cert and central.client_key go together; set both")
    for key in ("ca_bundle", "client_cert", "client_key"):
        path = getattr(central, key)
        if path and not Path(path).is_file():
            problems.append(f"central.{key} names {path}, which is not a readable file")
    return problems


def load(path: Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate the config file; `None`: no file (demo mode), defaults + environment."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as stream:
                data = tomllib.load(stream)
        except OSError as error:
            raise ConfigError([f"cannot read config file {path}: {error.strerror}"]) from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError([f"config file {path} is not valid TOML: {error}"]) from error
    return from_mapping(data, environ)


def redacted(config: Config) -> dict[str, dict[str, Any]]:
    """The effective config as a dict for `kiosk-diag config`, secrets shown only as set/unset."""
    result: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        values = getattr(config, section)
        result[section] = {}
        for f in dataclasses.fields(values):
            value = getattr(values, f.name)
            if f.metadata["secret"]:
                value = "(set)" if value else "(unset)"
            result[section][f.name] = value
    return result


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def example_toml() -> str:
    """`deploy/kiosk.example.toml`: every key with its default and its documentation."""
    lines = [
        "# Village service kiosk configuration (/etc/village-kiosk/kiosk.toml).",
        "# Every key is optional: the value shown is the default. Generated by",
        "# `kiosk-diag example-config`; a test keeps this file in step with kiosk/config.py.",
    ]
    for section, cls in SECTIONS.items():
        lines += ["", f"[{section}]"]
        for f in dataclasses.fields(cls):
            rules = f.metadata
            notes = [rules["help"]]
            if rules["choices"]:
                notes.append("one of: " + ", ".join(rules["choices"]))
            if rules["minimum"] is not None:
                notes.append(f"from {rules['minimum']:g} to {rules['maximum']:g}")
            if rules["env"]:
                notes.append(f"environment variable ${rules['env']} overrides it")
            lines += [f"# {note}" for note in notes]
            lines.append(f"{f.name} = {_toml_value(f.default)}")
    return "\n".join(lines) + "\n"
