"""SW3, the SAM's result byte (reference/idcard-sdt.md §4), as typed errors."""

from __future__ import annotations

from drivers.idcard.base import IdCardError

SW3_SUCCESS = 0x90
SW3_FOUND = 0x9F  # find card only
SW3_EMPTY = 0x91  # the item is empty (no appended address): not an error
SW3_NO_CARD = 0x80

COMM = "读卡器通信异常，请稍后重试"
FAULT = "读卡器故障，请联系工作人员"
REPLACE = "读卡失败，请重新放置证件"
CHECK = "证件校验失败，请重新放置证件"

# SW3 → (technician, resident)
STATUS: dict[int, tuple[str, str]] = {
    0x10: ("接收业务终端数据的校验和错 (the SAM got a bad checksum)", COMM),
    0x11: ("接收业务终端数据的长度错 (the SAM got a bad length)", COMM),
    0x21: ("接收业务终端的命令错误 (bad command or parameter)", COMM),
    0x23: ("越权操作 (operation not permitted)", FAULT),
    0x24: ("无法识别的错误 (unrecognised error)", REPLACE),
    0x31: ("证/卡认证SAM失败 (the card rejected the SAM)", CHECK),
    0x32: (
        "SAM认证证/卡失败 (the SAM rejected the card)",
        "证件校验失败，请重新放置证件；仍失败请联系工作人员",
    ),
    0x33: ("信息验证错误 (data verification failed)", "证件信息校验失败，请联系工作人员"),
    0x40: ("无法识别的证/卡类型 (unknown card type)", "无法识别该证件，请放置居民身份证"),
    0x41: (
        "读证/卡操作失败 (read failed: card moved or weak field)",
        "读卡失败，请将证件平放不要移动",
    ),
    0x47: ("取随机数失败 (get-random failed)", REPLACE),
    0x60: ("SAM自检失败 (SAM self-test failed)", FAULT),
    0x66: ("SAM没有经过授权 (SAM not authorised)", FAULT),
    0x80: ("寻找证/卡失败 (no card in the field)", "请将身份证放在感应区"),
    0x81: ("选取证/卡失败 (select failed)", "请将证件放稳，不要移动"),
}


class SamStatusError(IdCardError):
    """The SAM answered with a failure status."""

    def __init__(self, status: int, command: str) -> None:
        technician, resident = STATUS.get(status, ("unknown status (未定义状态)", REPLACE))
        super().__init__(f"SAM {command}: SW3 0x{status:02X} {technician}")
        self.status = status
        self.resident_message = resident


class SamFaultError(SamStatusError):
    """A status only a technician can fix (self-test failed, not authorised …)."""


def status_error(status: int, command: str) -> SamStatusError:
    kind = SamFaultError if STATUS.get(status, ("", ""))[1] == FAULT else SamStatusError
    return kind(status, command)
