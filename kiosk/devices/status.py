"""What a device reports about itself, for the screens and for technicians."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """`reason` is for a technician (读卡器无响应, 缺纸 …); empty when all is well."""

    device: str
    level: Level
    reason: str = ""
