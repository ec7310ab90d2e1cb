"""What can go wrong talking to the central service, as types.

Each error carries a message for the resident (plain Chinese, translated by the UI) and one
for the technician (what failed, where, with the detail needed to act). Nothing here is ever
shown as a traceback.
"""

from __future__ import annotations


class CentralError(Exception):
    resident_message = "服务中心暂时无法访问，请稍后再试"
    retryable = True

    def __init__(self, technician_message: str) -> None:
        super().__init__(technician_message)
        self.technician_message = technician_message


class CentralUnreachableError(CentralError):
    """No connection: refused, reset, no route, name not found."""

    resident_message = "暂时无法连接服务中心，请稍后再试"


class CentralTimeoutError(CentralError):
    resident_message = "服务中心响应超时，请稍后再试"


class CentralTlsError(CentralError):
    """The centre's certificate does not verify against the configured CA bundle."""

    resident_message = "无法安全连接服务中心，请联系工作人员"
    retryable = False


class CentralMalformedAnswerError(CentralError):
    """An answer that is not JSON, or not what the contract says."""

    resident_message = "服务中心返回的数据有误，请稍后再试或联系工作人员"


class CentralRefusedError(CentralError):
    """The centre answered with an error body; its message is for the resident already."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        retryable: bool,
        where: str,
        *,
        date_header: str | None = None,
    ) -> None:
        super().__init__(f"{where}: HTTP {status} {code}")
        self.date_header = date_header  # the centre's clock, for the skew correction
        self.status = status
        self.code = code
        self.server_message = message
        self.retryable = retryable

    @property
    def resident_text(self) -> str:
        return self.server_message or self.resident_message


class KioskNotAuthorizedError(CentralRefusedError):
    """The centre does not accept this kiosk's signature: a technician must fix it."""

    resident_message = "终端认证失败，请联系工作人员"


class ResidentSessionEndedError(CentralRefusedError):
    resident_message = "操作超时，请重新放置身份证"
