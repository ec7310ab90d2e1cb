"""What demo mode lets a person do to its simulated devices, as a small interface of the core.

Lay a demo ID card on the simulated SAM module or lift it, lay one the SAM cannot read, take
the demo printer's paper out and put it back, and read the SMS code the demo centre "sent"
(there is no phone). The demo panel and the tour use this and never
a driver or a simulator (DESIGN.md: ui/ imports nothing of drivers/); what they do reaches the
session the way a real card does, through the serial driver and the card monitor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.simulator import SamSimulator
from drivers.printer.folder import FolderPrinter

if TYPE_CHECKING:
    from kiosk.services.sms_sign_in import SmsSignIn

# Known to the demo centre but with no demo card: a resident who left the card at home.
SMS_DEMO_RESIDENT = ("王建国", "511321195804090016")
# The technicians' PIN in demo mode only, where none is configured: the demo panel shows it,
# so a newcomer can try the diagnostics screen (hold the corner, then type it).
DEMO_TECH_PIN = "135790"
READ_TEXT_COMMAND = 0x30  # 读基本信息 (reference/idcard-sdt.md)
SW3_READ_FAILED = 0x41  # 读卡操作失败: the card moved, or a weak field


class DemoControls:
    """The demo's hands. Every method returns at once; the devices answer on their threads."""

    def __init__(
        self,
        reader: SamSimulator,
        printer: FolderPrinter | None,
        on_paper_changed: Callable[[], None] = lambda: None,
        sms: SmsSignIn | None = None,
        *,
        technician_pin: str = "",  # the demo's PIN, shown; empty: the configured one holds
        technician_corner: str = "top-left",
        technician_hold_s: float = 5.0,
    ) -> None:
        self.technician_pin = technician_pin
        self.technician_corner = technician_corner
        self.technician_hold_s = technician_hold_s
        self.workbench_url = ""  # the demo centre's department workbench, once it is known
        self._reader = reader
        self._sms = sms
        self._printer = printer
        self._on_paper_changed = on_paper_changed

    @property
    def card_names(self) -> tuple[str, ...]:
        """The demo residents, in the order of the keys 1, 2, 3 …"""
        return tuple(card.name for card in DEMO_CARDS)

    def place_card(self, number: int) -> None:
        """Lay demo card `number` (1-based) on the reader; another number does nothing."""
        if 1 <= number <= len(DEMO_CARDS):
            self._reader.place(DEMO_CARDS[number - 1])

    def lift_card(self) -> None:
        self._reader.lift()

    def place_unreadable_card(self) -> None:
        """A card the SAM module fails to read (SW3 0x41)."""
        self._reader.fail_next(READ_TEXT_COMMAND, SW3_READ_FAILED)
        self._reader.place(DEMO_CARDS[0])

    def on_sms_code(self, listener: Callable[[str, str], None]) -> None:
        """`listener(code, masked phone)` when the demo centre sent a code; ("", "") when the
        session that asked for it ended. Called on the thread that owns the session."""
        if self._sms is not None:
            self._sms.on_demo_code(listener)

    @property
    def sms_residents(self) -> tuple[tuple[str, str], ...]:
        """(name, ID number) of the demo residents, for typing at 手机验证码: the card
        holders, then one without a card."""
        cards = tuple((card.name, card.id_number) for card in DEMO_CARDS)
        return (*cards, SMS_DEMO_RESIDENT)

    @property
    def holding_a_card(self) -> bool:
        return self._reader.holding

    @property
    def has_printer(self) -> bool:
        return self._printer is not None

    @property
    def paper_present(self) -> bool:
        return self._printer is not None and not self._printer.paper_out

    def set_paper(self, present: bool, *, tell_the_monitor: bool = True) -> None:
        """Put the demo printer's paper in or take it out. The printer's status follows at
        once, or (`tell_the_monitor` False) at the monitor's next look, as when paper runs
        out between two looks and the next job is the first to find out."""
        if self._printer is not None and self._printer.paper_out == present:
            self._printer.paper_out = not present
            if tell_the_monitor:
                self._on_paper_changed()

    @property
    def print_folder(self) -> Path | None:
        """Where the demo's printed certificates go, as PDF files."""
        return self._printer.folder if self._printer is not None else None
