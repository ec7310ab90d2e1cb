"""Smart cards over PC/SC (社会保障卡): the connection contract, errors, the profile.

The pyscard driver is `drivers.smartcard.pcsc` and the hot-plug watcher
`drivers.smartcard.monitor`; neither is imported here, so the virtual card's process and
code that only needs the types do not load libpcsclite.
"""

from drivers.smartcard.base import (
    CardConnection,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    NotSocialSecurityCardError,
    PcscUnavailableError,
    SmartCardError,
    SocialSecurityCard,
)
from drivers.smartcard.social_security import SocialSecurityCardReader
from drivers.smartcard.status import SecurityStatusError, StatusWordError

__all__ = [
    "CardConnection",
    "CardRemovedError",
    "NoCardError",
    "NoReaderError",
    "NotSocialSecurityCardError",
    "PcscUnavailableError",
    "SecurityStatusError",
    "SmartCardError",
    "SocialSecurityCard",
    "SocialSecurityCardReader",
    "StatusWordError",
]
