"""Resident ID card readers (二代证 SAM module): the driver contract and its implementations."""

from drivers.idcard.base import IdCard, IdCardError, IdCardReader, NoCardError

__all__ = ["IdCard", "IdCardError", "IdCardReader", "NoCardError"]
