"""The technicians' way in and their screen (终端维护): a long press on a configured corner of
the attract screen, a PIN on an on-screen keypad, then every device with its status and a
test, the system's facts and the log's tail. The core decides (kiosk/services/diagnostics.py:
who may open it, the tests, the audit trail); these screens show and emit intents.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.devices.status import DeviceStatus, Level
from kiosk.services.diagnostics import Check, CheckResult, Gate, GateAnswer, Snapshot
from ui.widgets import DELETE_KEY, GAP_PX, Keypad, Screen, button, label

PIN_KEYS = "123456789 0" + DELETE_KEY
PIN_MAX = 12
PIN_MIN = 6  # as `kiosk-diag hash-pin` requires
PIN_SHOWN_WITHOUT_A_TAP_MS = 60_000  # then back to the attract screen
CORNER_MM = 15  # the square a finger must hold
DEVICE_ROWS = ("idcard", "smartcard", "printer", "receipt", "scanner", "speech")
CHECK_OF_DEVICE = {
    "idcard": Check.IDCARD,
    "smartcard": Check.IDCARD,
    "printer": Check.PRINTER,
    "receipt": Check.RECEIPT,
    "speech": Check.SPEECH,
    "scanner": Check.CAPTURE,
    "central": Check.CENTRAL,
}


class CornerHold(QObject):
    """Emits `held` when a finger stays `hold_ms` on the window's configured corner. It watches
    every press on the window (`KioskWindow.watch_input`) and consumes none of them."""

    held = Signal()

    def __init__(self, window: QWidget, corner: str, hold_ms: int, size_px: int) -> None:
        super().__init__(window)
        self._window = window
        self._corner = corner
        self._size = size_px
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held)

    def area(self) -> QRect:
        width, height, size = self._window.width(), self._window.height(), self._size
        left = 0 if self._corner.endswith("left") else width - size
        top = 0 if self._corner.startswith("top") else height - size
        return QRect(left, top, size, size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            point = self._window.mapFromGlobal(event.globalPosition().toPoint())
            if self.area().contains(point):
                if not self._timer.isActive():
                    self._timer.start()
            else:
                self._timer.stop()
        elif kind == QEvent.Type.MouseButtonRelease:
            self._timer.stop()
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            point = self._window.mapFromGlobal(event.globalPosition().toPoint())
            if self._timer.isActive() and not self.area().contains(point):
                self._timer.stop()
        return False

    def press_point(self) -> QPoint:
        """The corner's middle, in window coordinates (for tests and the tour)."""
        return self.area().center()


class PinScreen(Screen):
    """维护登录: the technicians' PIN, typed on the screen's keypad, shown as dots."""

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._answer: GateAnswer | None = None  # the last refusal or verdict, for the message
        self._checking = False
        self.heading = label("display")
        self.info = label("lead")
        self.entry = label("entry", wrap=False)
        self.entry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("warning")
        self.keypad = Keypad(PIN_KEYS)
        self.keypad.key_pressed.connect(self._key)
        self.back_button = button()
        self.confirm_button = button("primary")
        self.back_button.clicked.connect(self.cancelled)
        self.confirm_button.clicked.connect(self._submit)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(PIN_SHOWN_WITHOUT_A_TAP_MS)
        self._idle_timer.timeout.connect(self.cancelled)

        left = QVBoxLayout()
        left.setSpacing(GAP_PX)
        left.addWidget(self.info)
        left.addWidget(self.entry)
        left.addWidget(self.message)
        left.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(48)
        body.addLayout(left, 3)
        body.addWidget(self.keypad, 2)
        buttons = QHBoxLayout()
        buttons.setSpacing(GAP_PX)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(GAP_PX)
        column.addWidget(self.heading)
        column.addLayout(body, 1)
        column.addLayout(buttons)
        self.retranslate()

    def open(self, refusal: GateAnswer | None) -> None:
        """A fresh pad; `refusal` (no PIN configured, locked) disables it and says why."""
        self._typed = ""
        self._checking = False
        self._answer = refusal
        self._idle_timer.start()
        self.retranslate()

    def show_answer(self, answer: GateAnswer) -> None:
        """The core's verdict on the PIN typed: wrong (attempts left) or locked."""
        self._checking = False
        self._typed = ""
        self._answer = answer
        self._idle_timer.start()
        self.retranslate()

    def wipe(self) -> None:
        self._typed = ""
        self._answer = None
        self._checking = False
        self._idle_timer.stop()
        self.retranslate()

    @property
    def typed(self) -> str:
        return self._typed

    @property
    def _refused(self) -> bool:
        return self._answer is not None and self._answer.gate in (Gate.LOCKED, Gate.NO_PIN)

    def _key(self, key: str) -> None:
        self._idle_timer.start()
        if key == DELETE_KEY:
            self._typed = self._typed[:-1]
        elif len(self._typed) < PIN_MAX:
            self._typed += key
        if self._answer is not None and self._answer.gate is Gate.WRONG:
            self._answer = GateAnswer(Gate.WRONG, self._answer.attempts_left)  # kept shown
        self.retranslate()

    def _submit(self) -> None:
        if len(self._typed) >= PIN_MIN and not self._checking:
            self._checking = True
            self.retranslate()
            self.submitted.emit(self._typed)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("终端维护登录"))
        self.info.setText(self.tr("仅限县级运维人员。请输入维护密码（至少 6 位数字）。"))
        self.entry.setText("●" * len(self._typed) if self._typed else " ")
        self.back_button.setText(self.tr("返回"))
        self.confirm_button.setText(self.tr("正在核对…") if self._checking else self.tr("确认"))
        refused = self._refused
        for key in self.keypad.keys.values():
            key.setEnabled(not refused and not self._checking)
        self.confirm_button.setEnabled(
            not refused and not self._checking and len(self._typed) >= PIN_MIN
        )
        self.message.setText(self._message())
        self.message.setVisible(bool(self.message.text()))

    def _message(self) -> str:
        answer = self._answer
        if answer is None:
            return ""
        if answer.gate is Gate.NO_PIN:
            return self.tr("本机未设置维护密码（technician.pin_hash），无法进入维护。")
        if answer.gate is Gate.LOCKED:
            return self.tr("密码错误次数过多，维护已锁定，请 %1 分钟后再试。").replace(
                "%1", str(answer.locked_minutes)
            )
        if answer.gate is Gate.WRONG:
            return self.tr("密码错误，还可尝试 %1 次。").replace("%1", str(answer.attempts_left))
        return ""


class DiagnosticsScreen(Screen):
    """终端维护: devices and their tests, the system, the log. Every action is audited by
    the core; 退出维护 returns to the attract screen and forgets what was shown."""

    test_requested = Signal(object)  # Check
    refresh_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: Snapshot | None = None
        self.results: dict[Check, CheckResult] = {}
        self._waiting: set[Check] = set()
        self.heading = label("display")
        self.refresh_button = button()
        self.leave_button = button("primary")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.leave_button.clicked.connect(self.leave_requested)
        top = QHBoxLayout()
        top.setSpacing(GAP_PX)
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.leave_button)

        self.tab_buttons: list[QPushButton] = []
        tabs = QHBoxLayout()
        tabs.setSpacing(GAP_PX)
        self.pages = QStackedWidget()
        self.devices_page, self.system_page, self.log_page = QWidget(), QWidget(), QWidget()
        for index, page in enumerate((self.devices_page, self.system_page, self.log_page)):
            self.pages.addWidget(page)
            tab = button("tag")
            tab.setCheckable(True)
            tab.setAutoExclusive(True)
            tab.clicked.connect(lambda _=False, i=index: self.pages.setCurrentIndex(i))
            tabs.addWidget(tab)
            self.tab_buttons.append(tab)
        tabs.addStretch(1)
        self.tab_buttons[0].setChecked(True)

        self.rows: dict[str, tuple[QLabel, QLabel, QLabel, QPushButton]] = {}
        grid = QGridLayout(self.devices_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(GAP_PX)
        grid.setVerticalSpacing(12)
        for row, device in enumerate((*DEVICE_ROWS, "central")):
            name, level, detail = label("title"), label("title", wrap=False), label("muted")
            test = button()
            test.clicked.connect(lambda _=False, d=device: self._request(CHECK_OF_DEVICE[d]))
            grid.addWidget(name, row, 0)
            grid.addWidget(level, row, 1)
            grid.addWidget(detail, row, 2)
            grid.addWidget(test, row, 3)
            self.rows[device] = (name, level, detail, test)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(self.rows), 1)

        self.system = label("muted")
        self.system.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        system_column = QVBoxLayout(self.system_page)
        system_column.setContentsMargins(0, 0, 0, 0)
        system_column.addWidget(self.system)
        system_column.addStretch(1)

        self.log_view = QPlainTextEdit()
        self.log_view.setProperty("role", "log")
        self.log_view.setReadOnly(True)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.log_view.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        QScroller.grabGesture(
            self.log_view.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        log_column = QVBoxLayout(self.log_page)
        log_column.setContentsMargins(0, 0, 0, 0)
        log_column.addWidget(self.log_view)

        column = QVBoxLayout(self)
        column.setContentsMargins(48, 24, 48, 24)
        column.setSpacing(GAP_PX)
        column.addLayout(top)
        column.addLayout(tabs)
        column.addWidget(self.pages, 1)
        self.retranslate()

    # --- what the journey tells it -----------------------------------------------------

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.log_view.setPlainText("\n".join(snapshot.log_lines))
        bar = self.log_view.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.retranslate()

    def show_result(self, result: CheckResult) -> None:
        self._waiting.discard(result.test)
        self.results[result.test] = result
        self.retranslate()

    def show_page(self, index: int) -> None:
        self.tab_buttons[index].setChecked(True)
        self.pages.setCurrentIndex(index)

    def wipe(self) -> None:
        """Leaving: nothing of this visit stays on the page (a card test showed a name)."""
        self.snapshot = None
        self.results.clear()
        self._waiting.clear()
        self.log_view.clear()
        self.show_page(0)
        self.retranslate()

    def _request(self, test: Check) -> None:
        self._waiting.add(test)
        self.results.pop(test, None)
        self.retranslate()
        self.test_requested.emit(test)

    # --- texts ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(self.tr("终端维护"))
        self.refresh_button.setText(self.tr("刷新"))
        self.leave_button.setText(self.tr("退出维护"))
        for tab, text in zip(
            self.tab_buttons, (self.tr("设备"), self.tr("系统"), self.tr("日志")), strict=True
        ):
            tab.setText(text)
        statuses = {s.device: s for s in self.snapshot.devices} if self.snapshot else {}
        for device, (name, level, detail, test) in self.rows.items():
            name.setText(self._device_name(device))
            test.setText(self._test_name(device))
            status = statuses.get(device)
            shown = device == "central" or status is not None
            for part in (name, level, detail, test):
                part.setVisible(shown)
            level.setText(self._level_word(status, self.results.get(CHECK_OF_DEVICE[device])))
            detail.setText(self._detail(device, status))
            test.setEnabled(CHECK_OF_DEVICE[device] not in self._waiting)
        self.system.setText(self._system_text())

    def _detail(self, device: str, status: DeviceStatus | None) -> str:
        test = CHECK_OF_DEVICE[device]
        lines = [status.reason] if status is not None and status.reason else []
        if test in self._waiting:
            lines.append(
                self.tr("请放置身份证或插入社保卡…") if test is Check.IDCARD else self.tr("测试中…")
            )
        result = self.results.get(test)
        if result is not None:
            verdict = self.tr("测试通过：%1") if result.ok else self.tr("测试失败：%1")
            lines.append(verdict.replace("%1", result.detail))
        return "\n".join(lines)

    def _device_name(self, device: str) -> str:
        return {
            "idcard": self.tr("身份证读卡器"),
            "smartcard": self.tr("社保卡读卡器"),
            "printer": self.tr("A4 打印机"),
            "receipt": self.tr("回执打印机"),
            "scanner": self.tr("材料拍摄仪"),
            "speech": self.tr("语音播报"),
            "central": self.tr("中心服务"),
        }[device]

    def _test_name(self, device: str) -> str:
        return {
            "idcard": self.tr("读卡测试"),
            "smartcard": self.tr("读卡测试"),
            "printer": self.tr("打印测试页"),
            "receipt": self.tr("打印测试回执"),
            "scanner": self.tr("拍摄测试"),
            "speech": self.tr("语音测试"),
            "central": self.tr("连接测试"),
        }[device]

    def _level_word(self, status: DeviceStatus | None, result: CheckResult | None) -> str:
        """The device's status; the central service has none but its last test's."""
        if status is not None:
            level = status.level
        elif result is not None:
            level = Level.OK if result.ok else Level.OFFLINE
        else:
            return "—"
        return {
            Level.OK: self.tr("正常"),
            Level.DEGRADED: self.tr("注意"),
            Level.OFFLINE: self.tr("异常"),
        }[level]

    def _system_text(self) -> str:
        snapshot = self.snapshot
        if snapshot is None:
            return self.tr("正在读取…")
        gib = 1024**3
        lines = [
            self.tr("软件版本：%1").replace("%1", snapshot.version),
            self.tr("已运行：%1").replace("%1", _duration(snapshot.uptime_s)),
            self.tr("磁盘可用：%1 GB / %2 GB")
            .replace("%1", f"{snapshot.disk_free_bytes / gib:.1f}")
            .replace("%2", f"{snapshot.disk_total_bytes / gib:.1f}"),
        ]
        if snapshot.outbox is None:
            lines.append(self.tr("待发送事件：未配置中心服务"))
        else:
            waiting = sum(kind.waiting for kind in snapshot.outbox)
            set_aside = sum(kind.set_aside for kind in snapshot.outbox)
            oldest = min((kind.oldest for kind in snapshot.outbox), default=None)
            since = (
                dt.datetime.fromtimestamp(oldest).strftime("%Y-%m-%d %H:%M")
                if oldest and waiting
                else "—"
            )
            lines.append(
                self.tr("待发送事件：%1 条（最早 %2），被拒收 %3 条")
                .replace("%1", str(waiting))
                .replace("%2", since)
                .replace("%3", str(set_aside))
            )
            per_kind = self.tr("%1：%2 条待发送，%3 条被拒收")
            lines += [
                "    "
                + per_kind.replace("%1", kind.kind)
                .replace("%2", str(kind.waiting))
                .replace("%3", str(kind.set_aside))
                + (f"  ({kind.last_error})" if kind.last_error else "")
                for kind in snapshot.outbox
            ]
        lines.append(self.tr("串口："))
        if not snapshot.serial_ports:
            lines.append("    " + self.tr("未配置串口设备"))
        for port in snapshot.serial_ports:
            where = port.path if port.target == port.path else f"{port.path} → {port.target}"
            if not port.exists:
                state = self.tr("不存在")
            elif port.may_open:
                state = self.tr("可访问")
            else:
                state = self.tr("无权访问（将 kiosk 用户加入 %1 组）").replace(
                    "%1", port.owner.split(":")[-1]
                )
            lines.append(f"    {port.role}: {where}  {port.mode} {port.owner}  {state}")
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{days} d " if days else "") + f"{hours:02d}:{minutes:02d}"
