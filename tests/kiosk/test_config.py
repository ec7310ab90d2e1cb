from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, example_toml, from_mapping, keys, load, redacted
from kiosk.pin import hash_pin, verify_pin

REPO = Path(__file__).resolve().parents[2]


def problems_of(data: dict, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        from_mapping(data, environ or {})
    return refused.value.problems


def test_no_file_gives_every_default() -> None:
    assert load(None, environ={}) == Config()


def test_the_example_file_documents_every_key_with_its_default() -> None:
    text = (REPO / "deploy" / "kiosk.example.toml").read_text(encoding="utf-8")
    assert text == example_toml(), "run `kiosk-diag example-config > deploy/kiosk.example.toml`"
    parsed = tomllib.loads(text)
    documented = {f"{section}.{key}" for section, values in parsed.items() for key in values}
    assert documented == {key for key, _ in keys()}
    assert from_mapping(parsed, environ={}) == Config()


def test_a_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[session]\nidle_timeout_s = 90\nelder_idle_timeout_s = 180\n[screen]\ndpi = 120\n",
        encoding="utf-8",
    )
    config = load(path, environ={})
    assert config.session.idle_timeout_s == 90
    assert config.screen.dpi == 120.0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"session": {"idle_timeout_s": "60"}},
            "session.idle_timeout_s must be an integer, got '60'",
        ),
        (
            {"session": {"idle_timeout_s": True}},
            "session.idle_timeout_s must be an integer, got True",
        ),
        ({"screen": {"dpi": "high"}}, "screen.dpi must be a number, got 'high'"),
        ({"kiosk": {"site_name": 7}}, "kiosk.site_name must be a string, got 7"),
        (
            {"session": {"idle_timeout_s": 5}},
            "session.idle_timeout_s must be between 20 and 900, got 5",
        ),
        ({"screen": {"min_touch_mm": 10}}, "screen.min_touch_mm must be between 18 and 40, got 10"),
        (
            {"logging": {"level": "LOUD"}},
            "logging.level must be one of DEBUG, INFO, WARNING, ERROR; got 'LOUD'",
        ),
        (
            {"devices": {"idcard_reader": "usb"}},
            "devices.idcard_reader must be one of none, sam-serial; got 'usb'",
        ),
        (
            {"session": {"idle_timout_s": 60}},
            "unknown key session.idle_timout_s; keys of [session]: idle_timeout_s, "
            "elder_idle_timeout_s, timeout_warning_s, elder_offer_age, crash_restart_s",
        ),
        (
            {"printer": {}},
            "unknown section [printer]; known sections: kiosk, screen, session, "
            "devices, voice, central, logging, technician",
        ),
        ({"session": 3}, "[session] must be a table of keys, got 3"),
        (
            {"session": {"idle_timeout_s": 30, "timeout_warning_s": 30}},
            "session.timeout_warning_s must be shorter than session.idle_timeout_s, got 30 and 30",
        ),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed_in_one_line(data: dict, expected: str) -> None:
    assert problems_of(data) == [expected]


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of({"screen": {"dpi": 1}, "logging": {"level": "x", "colour": 1}})
    assert len(problems) == 3
    assert all("\n" not in line for line in problems)


def test_secrets_come_from_the_environment() -> None:
    pin_hash = hash_pin("246810", iterations=1000)
    config = from_mapping(
        {"kiosk": {"id": "from-file"}},
        environ={
            "KIOSK_ID": "qinglong-01",
            "KIOSK_DEVICE_SECRET": "s3cret",
            "KIOSK_TECH_PIN_HASH": pin_hash,
        },
    )
    assert config.kiosk.id == "qinglong-01"
    assert config.kiosk.device_secret == "s3cret"
    assert verify_pin("246810", config.technician.pin_hash)
    assert not verify_pin("000000", config.technician.pin_hash)
    shown = redacted(config)
    assert shown["kiosk"]["device_secret"] == "(set)"
    assert shown["technician"]["pin_hash"] == "(set)"


def test_a_malformed_pin_hash_is_refused_without_showing_it() -> None:
    problems = problems_of({}, environ={"KIOSK_TECH_PIN_HASH": "1234"})
    assert problems == [
        "technician.pin_hash (from $KIOSK_TECH_PIN_HASH) has the wrong format (hidden); "
        "make one with `kiosk-diag hash-pin`"
    ]


def test_a_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[session\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kiosk\.toml is not valid TOML"):
        load(path, environ={})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read config file .*absent\.toml"):
        load(tmp_path / "absent.toml", environ={})


def test_the_state_dir_defaults_to_the_xdg_state_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    assert Config().state_dir == Path("/srv/state/village-kiosk")


@pytest.mark.parametrize(
    ("central", "expected"),
    [
        (
            {"url": "zw.example.gov.cn"},
            "central.url must start with https:// (or http:// on loopback), "
            "got 'zw.example.gov.cn'",
        ),
        (
            {"ca_bundle": "/nonexistent/ca.pem"},
            "central.ca_bundle names /nonexistent/ca.pem, which is not a readable file",
        ),
        (
            {"client_cert": "/etc/hostname"},
            "central.client_cert and central.client_key go together; set both",
        ),
    ],
)
def test_central_settings_are_checked_before_the_first_request(
    central: dict, expected: str
) -> None:
    assert expected in problems_of({"central": central})


def test_elders_get_at_least_twice_the_time_of_others() -> None:
    assert problems_of({"session": {"idle_timeout_s": 90, "elder_idle_timeout_s": 120}}) == [
        "session.elder_idle_timeout_s must be at least twice session.idle_timeout_s (elders get "
        "more time), got 120 and 90"
    ]
    config = from_mapping({"session": {"idle_timeout_s": 90, "elder_idle_timeout_s": 180}})
    assert config.session.elder_idle_timeout_s == 180
