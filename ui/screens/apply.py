"""申请: apply for a service at the kiosk, one step a page (kiosk/services/applying.py decides).

What you will need (材料清单, 数据共享 ones marked as held already) → the form, one question a
page, each with the input a finger can use (choices as large buttons, numbers and phones on
the keypad, a date on three steppers, free text on the on-screen pinyin keyboard) → how the
result comes (自取 or 邮寄) → capture each material, page by page, with 重拍 → review →
submitted, with the 受理号 and the promised date. The screen renders the core's view and
emits intents; it keeps nothing of its own but what the current field shows.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog import MaterialNeed, Question
from kiosk.services.applying import ApplyingView, Step
from kiosk.services.records import format_cell
from ui import keyboard as keyboard_layout
from ui.i18n import current_language, resident_text
from ui.page_image import PageImage
from ui.widgets import (
    DELETE_KEY,
    GAP_PX,
    Keypad,
    Prompt,
    Screen,
    button,
    label,
    show_only,
)

NUMBER_KEYS = "123456789.0" + DELETE_KEY
PHONE_KEYS = "123456789 0" + DELETE_KEY
FALLBACK_TEXT_KEYS = "123456789X0" + DELETE_KEY  # without the pinyin keyboard
CHOICE_COLUMNS = 2
THUMBNAIL_ROOM = 5  # pages side by side at most (a material allows up to 20: they scroll off)


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("zh_CN", "")


def answer_text(question: Question, value: str, language: str) -> str:
    """An answer as the review shows it: a choice's title, a date as a date."""
    if question.kind == "choice":
        titles = {choice: title for choice, title in question.choices}
        return _text(titles.get(value, {}), language) or value
    if question.kind == "date" and value:
        return format_cell(value, "date", language)  # as records show dates
    return value


class DatePicker(QWidget):
    """Year, month and day on − / + steppers: no calendar popup, no typing."""

    changed = Signal(str)  # ISO date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = dt.date.today()
        row = QHBoxLayout(self)
        row.setSpacing(GAP_PX)
        self.labels: dict[str, QLabel] = {}
        for part in ("year", "month", "day"):
            minus, plus = button("key", "−"), button("key", "+")
            value = label("entry", wrap=False)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            minus.clicked.connect(lambda _=False, p=part: self._step(p, -1))
            plus.clicked.connect(lambda _=False, p=part: self._step(p, +1))
            column = QVBoxLayout()
            column.addWidget(plus)
            column.addWidget(value)
            column.addWidget(minus)
            row.addLayout(column)
            self.labels[part] = value
        self._show()

    def set_date(self, value: str) -> None:
        try:
            self.day = dt.date.fromisoformat(value)
        except ValueError:
            self.day = dt.date.today()
        self._show()

    def _step(self, part: str, step: int) -> None:
        year, month, day = self.day.year, self.day.month, self.day.day
        if part == "year":
            year += step
        elif part == "month":
            month = (month - 1 + step) % 12 + 1
        else:
            day += step
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = last if day < 1 else 1 if day > last else day
        self.day = dt.date(max(1900, min(year, 2100)), month, min(day, last))
        self._show()
        self.changed.emit(self.day.isoformat())

    def _show(self) -> None:
        english = current_language() == "en"
        self.labels["year"].setText(f"{self.day.year}" if english else f"{self.day.year}年")
        self.labels["month"].setText(f"{self.day:%b}" if english else f"{self.day.month}月")
        self.labels["day"].setText(f"{self.day.day}" if english else f"{self.day.day}日")


class ApplyScreen(Screen):
    start_requested = Signal()
    answered = Signal(str, str)  # question key, value
    delivery_chosen = Signal(str, str)  # pickup | post, address
    forward_requested = Signal()
    backward_requested = Signal()
    capture_requested = Signal(int)  # -1: a new page; else 重拍 that page
    drop_requested = Signal(int)
    edit_requested = Signal(int)  # 修改, from the review: the question's index
    submit_requested = Signal()
    retry_requested = Signal()
    menu_requested = Signal()  # 办理其他业务, once submitted
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: ApplyingView | None = None
        self._shown_field = ""  # the question (or page) the inputs were built for
        self._selected_page = -1  # capture: the page 重拍 / 删除 act on (-1: the last)
        self.receipt_message = ""
        self.keyboard: QWidget | None = None
        self._elder = False
        self._keyboard_language = ""  # the layout the keyboard shows (pinyin or English)
        self.heading = label("display")
        self.step_label = label("lead", wrap=False)
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.problem = label("warning")
        self.pages = QStackedWidget()

        # What you will need.
        self.needs_page = QWidget()
        needs = QVBoxLayout(self.needs_page)
        needs.setContentsMargins(0, 0, 0, 0)  # the screen's margins are the page's
        self.needs_intro = label("title")
        self.needs_list = label("lead")
        self.needs_info = label("lead")
        needs.setSpacing(GAP_PX)
        for part in (self.needs_intro, self.needs_list, self.needs_info):
            needs.addWidget(part)
        needs.addStretch(1)

        # The form: one question a page.
        self.form_page = QWidget()
        form = QVBoxLayout(self.form_page)
        form.setContentsMargins(0, 0, 0, 0)  # the screen's margins are the page's
        form.setSpacing(GAP_PX)
        self.question_title = label("title")
        self.question_hint = label("lead")
        self.entry = label("entry", wrap=False)
        self.text_field = QLineEdit()
        self.text_field.setProperty("role", "entry")
        # Sensitive: the pinyin engine then learns no phrase into its user dictionary (a file
        # that outlives the session), so no resident's address is offered to the next one.
        self.text_field.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.text_field.textEdited.connect(self._text_edited)
        self.keypad_box = QStackedWidget()
        self.keypads = {
            keys: Keypad(keys) for keys in (NUMBER_KEYS, PHONE_KEYS, FALLBACK_TEXT_KEYS)
        }
        for keypad in self.keypads.values():
            keypad.key_pressed.connect(self._key)
            self.keypad_box.addWidget(keypad)
        self.choices = QWidget()
        self._choice_grid = QGridLayout(self.choices)
        self._choice_grid.setContentsMargins(0, 0, 0, 0)
        self._choice_grid.setSpacing(GAP_PX)
        self.choice_buttons: dict[str, QPushButton] = {}
        self.date_picker = DatePicker()
        self.date_picker.changed.connect(self._date_changed)
        entry_row = QHBoxLayout()
        entry_row.setSpacing(48)
        entry_column = QVBoxLayout()
        entry_column.addWidget(self.entry)
        entry_column.addWidget(self.text_field)
        entry_column.addStretch(1)
        entry_row.addLayout(entry_column, 3)
        entry_row.addWidget(self.keypad_box, 2)
        form.addWidget(self.question_title)
        form.addWidget(self.question_hint)
        form.addWidget(self.choices)
        form.addWidget(self.date_picker, 0, Qt.AlignmentFlag.AlignLeft)
        form.addLayout(entry_row, 1)
        self.keyboard_slot = QVBoxLayout()
        form.addLayout(self.keyboard_slot)
        # Each question shows only its own input; hidden ones take no room, so the tallest
        # of them (the keypad, or the keyboard) never stretches the window past the screen.
        for part in (self.entry, self.text_field, self.keypad_box, self.choices, self.date_picker):
            part.hide()

        # Capture, page by page.
        self.capture_page = QWidget()
        capture = QVBoxLayout(self.capture_page)
        capture.setContentsMargins(0, 0, 0, 0)  # the screen's margins are the page's
        capture.setSpacing(GAP_PX)
        self.material_title = label("title")
        self.capture_hint = label("lead")
        self.thumbnails_row = QHBoxLayout()
        self.thumbnails_row.setSpacing(GAP_PX)
        self.thumbnails: list[PageImage] = []
        capture_buttons = QHBoxLayout()
        capture_buttons.setSpacing(GAP_PX)
        self.capture_button = button("primary")
        self.retake_button = button()
        self.drop_button = button()
        self.capture_button.clicked.connect(lambda: self.capture_requested.emit(-1))
        self.retake_button.clicked.connect(
            lambda: self.capture_requested.emit(self._selected_index())
        )
        self.drop_button.clicked.connect(lambda: self.drop_requested.emit(self._selected_index()))
        for widget in (self.capture_button, self.retake_button, self.drop_button):
            capture_buttons.addWidget(widget)
        capture_buttons.addStretch(1)
        capture.addWidget(self.material_title)
        capture.addWidget(self.capture_hint)
        capture.addLayout(self.thumbnails_row, 1)
        capture.addLayout(capture_buttons)

        # Review.
        self.review_page = QWidget()
        review = QVBoxLayout(self.review_page)
        review.setContentsMargins(0, 0, 0, 0)  # the screen's margins are the page's
        review.setSpacing(GAP_PX // 2)
        self.review_intro = label("title")
        self.review_grid = QGridLayout()
        self.review_grid.setHorizontalSpacing(GAP_PX)
        self.review_grid.setVerticalSpacing(GAP_PX // 3)
        self.edit_button = button()
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(0))
        review.addWidget(self.review_intro)
        review.addLayout(self.review_grid)
        review.addStretch(1)
        review.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)

        # Submitting, submitted, failed: a message page.
        self.message_page = QWidget()
        message = QVBoxLayout(self.message_page)
        message.setContentsMargins(0, 0, 0, 0)  # the screen's margins are the page's
        self.message_title = label("display")
        self.message_number = label("display")
        self.message_detail = label("lead")
        for part in (self.message_title, self.message_number, self.message_detail):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.addStretch(1)
        message.addWidget(self.message_title)
        message.addWidget(self.message_number)
        message.addWidget(self.message_detail)
        message.addStretch(2)

        for page in (
            self.needs_page,
            self.form_page,
            self.capture_page,
            self.review_page,
            self.message_page,
        ):
            self.pages.addWidget(page)

        self.exit_button = button()
        self.back_button = button()
        self.forward_button = button("primary")
        self.menu_button = button()
        self.exit_button.clicked.connect(self.exit_requested)
        self.back_button.clicked.connect(self.backward_requested)
        self.forward_button.clicked.connect(self._forward)
        self.menu_button.clicked.connect(self.menu_requested)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.step_label)
        buttons = QHBoxLayout()
        buttons.setSpacing(GAP_PX)
        buttons.addWidget(self.exit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.menu_button)
        buttons.addWidget(self.forward_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(GAP_PX // 2)
        column.addLayout(top)
        column.addWidget(self.problem)
        column.addWidget(self.pages, 1)
        column.addSpacing(GAP_PX - GAP_PX // 2)  # a page's last buttons 6 mm from these
        column.addLayout(buttons)
        self.retranslate()

    # --- what the window tells it --------------------------------------------------------

    def set_keyboard(self, keyboard: QWidget | None) -> None:
        """The on-screen pinyin keyboard (ui/keyboard.py), shown under a text question."""
        self.keyboard = keyboard
        if keyboard is not None:
            self.keyboard_slot.addWidget(keyboard, 0, Qt.AlignmentFlag.AlignHCenter)
            keyboard.hide()
            self.set_elder(self._elder)
            self._keyboard_language = ""
        self._shown_field = ""
        self.retranslate()

    def set_elder(self, elder: bool) -> None:
        self._elder = elder
        if self.keyboard is not None:
            if elder:
                width, shape = keyboard_layout.ELDER_PANEL_WIDTH_PX, keyboard_layout.ELDER_SHAPE
            else:
                width, shape = keyboard_layout.PANEL_WIDTH_PX, keyboard_layout.STANDARD_SHAPE
            keyboard_layout.set_size(self.keyboard, width, shape)

    def show_view(self, view: ApplyingView | None) -> None:
        old = self.view
        self.view = view
        if view is None or old is None or old.step != view.step or old.material != view.material:
            self._selected_page = -1
        if view is None:
            self._shown_field = ""
            self.receipt_message = ""
            self.text_field.clear()
        self.retranslate()

    def show_receipt_result(self, message: str) -> None:
        self.receipt_message = message
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        view = self.view
        if view is None:
            return "", {}
        language = current_language()
        title = _text(view.service.title, language)
        if view.step is Step.NEEDS:
            return "apply_needs", {"title": title}
        if view.step is Step.FORM:
            question = view.current_question
            if question is None:
                return "apply_delivery", {}
            return "apply_question", {"question": _text(question.title, language)}
        if view.step is Step.CAPTURE:
            material = view.current_material
            name = _text(material.title, language) if material else ""
            return "apply_capture", {"material": name}
        if view.step is Step.REVIEW:
            return "apply_review", {}
        if view.step is Step.SUBMITTING:
            return "apply_submitting", {}
        if view.step is Step.SUBMITTED:
            return "apply_submitted", {"title": title}
        return "apply_failed", {"message": resident_text(view.resident_message)}

    def wipe(self) -> None:
        self.show_view(None)
        self._clear_thumbnails()
        self._clear_review()

    # --- inside --------------------------------------------------------------------------

    def _forward(self) -> None:
        view = self.view
        if view is None:
            return
        if view.step is Step.NEEDS:
            self.start_requested.emit()
        elif view.step is Step.REVIEW:
            self.submit_requested.emit()
        elif view.step is Step.FAILED:
            self.retry_requested.emit()
        elif view.step is Step.SUBMITTED:
            self.exit_requested.emit()
        else:
            self.forward_requested.emit()

    def _current_key(self) -> str:
        view = self.view
        question = view.current_question if view is not None else None
        return question.key if question is not None else ""

    def _key(self, key: str) -> None:
        view = self.view
        question = view.current_question if view is not None else None
        if view is None or question is None:
            return
        value = view.answers.get(question.key, "")
        value = value[:-1] if key == DELETE_KEY else (value + key)[: question.max_length]
        self.answered.emit(question.key, value)

    def _text_edited(self, text: str) -> None:
        view = self.view
        if view is None or view.step is not Step.FORM:
            return
        question = view.current_question
        if question is not None:
            self.answered.emit(question.key, text)
        else:
            self.delivery_chosen.emit("post", text)

    def _date_changed(self, value: str) -> None:
        key = self._current_key()
        if key:
            self.answered.emit(key, value)

    def _choose(self, value: str) -> None:
        view = self.view
        if view is None:
            return
        key = self._current_key()
        if key:
            self.answered.emit(key, value)
        else:  # the delivery page
            self.delivery_chosen.emit(value, view.address)

    def _selected_index(self) -> int:
        view = self.view
        material = view.current_material if view is not None else None
        pages = view.pages.get(material.key, ()) if view is not None and material else ()
        if not pages:
            return -1
        return self._selected_page if 0 <= self._selected_page < len(pages) else len(pages) - 1

    def _select_page(self, index: int) -> None:
        self._selected_page = index
        self.retranslate()

    def retranslate(self) -> None:
        self.exit_button.setText(self.tr("退出"))
        self.back_button.setText(self.tr("上一步"))
        self.menu_button.setText(self.tr("办理其他业务"))
        self.edit_button.setText(self.tr("修改填写的信息"))
        self.capture_button.setText(self.tr("拍摄"))
        self.retake_button.setText(self.tr("重拍此页"))
        self.drop_button.setText(self.tr("删除此页"))
        view = self.view
        if view is None:
            self.heading.setText("")
            return
        language = current_language()
        self.heading.setText(_text(view.service.title, language))
        self.problem.setText(resident_text(view.problem) if view.problem else "")
        self.problem.setVisible(bool(view.problem))
        busy = view.capturing or view.step is Step.SUBMITTING
        self.back_button.setVisible(
            view.step in (Step.FORM, Step.CAPTURE, Step.REVIEW, Step.FAILED)
        )
        self.back_button.setEnabled(not busy)
        self.menu_button.setVisible(view.step is Step.SUBMITTED)
        self.forward_button.setVisible(view.step is not Step.SUBMITTING)
        self.forward_button.setEnabled(not busy)
        self.exit_button.setVisible(view.step is not Step.SUBMITTED)
        self.exit_button.setEnabled(not busy)
        forward = {
            Step.NEEDS: self.tr("开始申请"),
            Step.REVIEW: self.tr("重新提交") if view.resubmitting else self.tr("提交申请"),
            Step.FAILED: self.tr("重试"),
            Step.SUBMITTED: self.tr("完成"),
        }
        self.forward_button.setText(forward.get(view.step, self.tr("下一步")))
        self._show_step_label(view)
        if view.step is Step.NEEDS:
            self._show_needs(view, language)
        elif view.step is Step.FORM:
            self._show_form(view, language)
        elif view.step is Step.CAPTURE:
            self._show_capture(view, language)
        elif view.step is Step.REVIEW:
            self._show_review(view, language)
        else:
            self._show_message(view, language)
        self.question_hint.setVisible(bool(self.question_hint.text()))
        if self.keyboard is not None:
            text_shown = view.step is Step.FORM and self.text_field.isVisibleTo(self)
            self.keyboard.setVisible(text_shown)
            # Room for the keyboard: the question's own title says where the resident is.
            self.heading.setVisible(not text_shown)
            self.step_label.setVisible(not text_shown)
            if text_shown and self._keyboard_language != language:
                keyboard_layout.use_language(self.keyboard, language)
                self._keyboard_language = language

    def _show_step_label(self, view: ApplyingView) -> None:
        steps = [Step.FORM, Step.CAPTURE, Step.REVIEW]
        if view.step in steps and not view.resubmitting:
            names = {
                Step.FORM: self.tr("填写信息"),
                Step.CAPTURE: self.tr("拍摄材料"),
                Step.REVIEW: self.tr("确认提交"),
            }
            self.step_label.setText(
                self.tr("第 %1 步 / 共 %2 步：%3")
                .replace("%1", str(steps.index(view.step) + 1))
                .replace("%2", str(len(steps)))
                .replace("%3", names[view.step])
            )
        elif view.resubmitting and view.step in steps:
            self.step_label.setText(self.tr("补正材料"))
        else:
            self.step_label.setText("")

    def _show_needs(self, view: ApplyingView, language: str) -> None:
        show_only(self.pages, self.needs_page)
        form = view.service.form
        self.needs_intro.setText(self.tr("办理本事项需要以下材料："))
        lines = []
        for material in view.materials:
            lines.append("· " + self._material_line(material, language))
        self.needs_list.setText("\n".join(lines))
        info = []
        if form is not None:
            departments = "、".join(_text(d, language) for d in form.departments)
            info.append(self.tr("承办部门：%1").replace("%1", departments))
            info.append(
                self.tr("承诺时限：%1 个工作日内办结").replace("%1", str(form.promised_days))
            )
            if form.steps:
                info.append(self.tr("一次申请，各部门按顺序分别办理，每一步都会短信通知您"))
        self.needs_info.setText("\n".join(info))

    def _material_line(self, material: MaterialNeed, language: str) -> str:
        title = _text(material.title, language)
        if not material.scanned:
            return self.tr("%1（数据共享，无需携带）").replace("%1", title)
        if material.max_pages > 1:
            return (
                self.tr("%1（现场拍摄，最多 %2 页）")
                .replace("%1", title)
                .replace("%2", str(material.max_pages))
            )
        return self.tr("%1（现场拍摄）").replace("%1", title)

    def _show_form(self, view: ApplyingView, language: str) -> None:
        show_only(self.pages, self.form_page)
        question = view.current_question
        field = question.key if question is not None else "delivery"
        rebuild = field != self._shown_field
        self._shown_field = field
        kind = question.kind if question is not None else "delivery"
        value = view.answers.get(field, "") if question is not None else view.delivery
        self.choices.setVisible(kind in ("choice", "delivery"))
        self.date_picker.setVisible(kind == "date")
        text = (kind == "delivery" and view.delivery == "post") or kind not in (
            "choice", "date", "number", "phone", "delivery"
        )  # fmt: skip
        keypad = kind in ("number", "phone") or (text and self.keyboard is None)
        self.entry.setVisible(kind in ("number", "phone"))
        self.text_field.setPlaceholderText(self.tr("请输入收件地址") if question is None else "")
        self.text_field.setVisible(text)
        self.keypad_box.setVisible(keypad)
        if question is None:
            self.question_title.setText(self.tr("办理结果如何领取？"))
            self.question_hint.setText("")
            options = [
                ("pickup", self._pickup_text(view, language)),
                ("post", self.tr("邮寄到家")),
            ]
            if rebuild:
                self._build_choices(options)
                self.text_field.setText(view.address)
            self._check_choice(view.delivery)
        else:
            self.question_title.setText(_text(question.title, language))
            self.question_hint.setText(
                self.tr("已登记的信息会自动填写，不需要更改可直接点“下一步”")
                if question.prefill and not value
                else ""
            )
            if rebuild:
                if kind == "choice":
                    self._build_choices(
                        [(choice, _text(title, language)) for choice, title in question.choices]
                    )
                if kind == "date":
                    self.date_picker.set_date(value)
                if text:
                    self.text_field.setText(value)
                    self.text_field.setMaxLength(question.max_length)
            self._check_choice(value)
            self.entry.setText(value)
            # Empty, it keeps its height: a line of its own type and the style's padding.
            self.entry.setMinimumHeight(self.entry.fontMetrics().height() * 2)
            if keypad:
                keys = (
                    NUMBER_KEYS if kind == "number"
                    else PHONE_KEYS if kind == "phone"
                    else FALLBACK_TEXT_KEYS
                )  # fmt: skip
                self.keypad_box.setCurrentWidget(self.keypads[keys])
        if text and rebuild:
            self.text_field.setFocus()
        position = view.question + 1
        total = len(view.questions) + 1
        self.step_label.setText(
            self.step_label.text()
            + "  "
            + self.tr("（%1/%2）").replace("%1", str(position)).replace("%2", str(total))
        )

    def _pickup_text(self, view: ApplyingView, language: str) -> str:
        form = view.service.form
        place = _text(form.pickup_place, language) if form is not None else ""
        return self.tr("自取：%1").replace("%1", place) if place else self.tr("自取")

    def _build_choices(self, options: list[tuple[str, str]]) -> None:
        for choice_button in self.choice_buttons.values():
            choice_button.deleteLater()
        self.choice_buttons = {}
        for index, (value, title) in enumerate(options):
            choice_button = button("tag", title)
            choice_button.setCheckable(True)
            choice_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            choice_button.clicked.connect(lambda _=False, v=value: self._choose(v))
            self._choice_grid.addWidget(
                choice_button, index // CHOICE_COLUMNS, index % CHOICE_COLUMNS
            )
            self.choice_buttons[value] = choice_button

    def _check_choice(self, value: str) -> None:
        for choice, choice_button in self.choice_buttons.items():
            choice_button.setChecked(choice == value)

    def _show_capture(self, view: ApplyingView, language: str) -> None:
        show_only(self.pages, self.capture_page)
        material = view.current_material
        if material is None:
            return
        pages = view.pages.get(material.key, ())
        title = _text(material.title, language)
        self.material_title.setText(
            self.tr("%1：第 %2 项 / 共 %3 项")
            .replace("%1", title)
            .replace("%2", str(view.material + 1))
            .replace("%3", str(len(view.to_capture)))
        )
        if view.capturing:
            hint = self.tr("正在拍摄，请不要移动材料…")
        elif not pages:
            hint = self.tr("请将材料平放在拍摄区，然后点“拍摄”")
        else:
            hint = (
                self.tr("已拍 %1 页，最多 %2 页；点一页可以重拍或删除")
                .replace("%1", str(len(pages)))
                .replace("%2", str(material.max_pages))
            )
        self.capture_hint.setText(hint)
        self._show_thumbnails(pages)
        selected = self._selected_index()
        for index, thumbnail in enumerate(self.thumbnails):
            chosen = index == selected and len(pages) > 1
            if thumbnail.property("selected") != chosen:
                thumbnail.setProperty("selected", chosen)
                thumbnail.style().unpolish(thumbnail)
                thumbnail.style().polish(thumbnail)
        self.capture_button.setText(
            self.tr("拍摄第 %1 页").replace("%1", str(len(pages) + 1)) if pages else self.tr("拍摄")
        )
        self.capture_button.setEnabled(not view.capturing and len(pages) < material.max_pages)
        self.retake_button.setVisible(bool(pages))
        self.drop_button.setVisible(bool(pages))
        self.retake_button.setEnabled(not view.capturing)
        self.drop_button.setEnabled(not view.capturing)

    def _show_thumbnails(self, pages: tuple[object, ...]) -> None:
        shown = [getattr(thumbnail, "page_data", None) for thumbnail in self.thumbnails]
        wanted = [getattr(page, "preview", None) for page in pages]
        if shown == wanted:
            return
        self._clear_thumbnails()
        for index, preview in enumerate(wanted[-THUMBNAIL_ROOM:]):
            thumbnail = PageImage("thumbnail")
            pixmap = QPixmap()
            pixmap.loadFromData(preview or b"", "JPEG")
            thumbnail.set_page(pixmap)
            thumbnail.page_data = preview  # type: ignore[attr-defined]
            thumbnail.mousePressEvent = (  # type: ignore[method-assign]
                lambda _event, i=index: self._select_page(i)
            )
            self.thumbnails_row.addWidget(thumbnail, 1)
            self.thumbnails.append(thumbnail)
        self.thumbnails_row.addStretch(0)

    def _clear_thumbnails(self) -> None:
        for thumbnail in self.thumbnails:
            thumbnail.clear_page()
            thumbnail.deleteLater()
        self.thumbnails = []
        while self.thumbnails_row.count():
            self.thumbnails_row.takeAt(0)

    def _clear_review(self) -> None:
        while self.review_grid.count():
            item = self.review_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()

    def _show_review(self, view: ApplyingView, language: str) -> None:
        show_only(self.pages, self.review_page)
        self.review_intro.setText(
            self.tr("请核对以下材料，确认后提交")
            if view.resubmitting
            else self.tr("请核对以下信息，确认无误后提交")
        )
        self.edit_button.setVisible(bool(view.questions))
        self._clear_review()
        rows: list[tuple[str, str]] = []
        for question in view.questions:
            value = view.answers.get(question.key, "")
            shown = answer_text(question, value, language) if value else ""
            if not shown and question.prefill:
                shown = self.tr("已登记的信息")
            rows.append((_text(question.title, language), shown or "—"))
        if not view.resubmitting:
            delivery = (
                self.tr("邮寄：%1").replace("%1", view.address)
                if view.delivery == "post"
                else self._pickup_text(view, language)
            )
            rows.append((self.tr("领取方式"), delivery))
        for material in view.materials:
            if view.resubmitting and material.key not in view.asked:
                continue
            pages = len(view.pages.get(material.key, ()))
            if not material.scanned:
                state = self.tr("数据共享，无需携带")
            elif pages:
                state = self.tr("已拍摄 %1 页").replace("%1", str(pages))
            else:
                state = self.tr("未拍摄")
            rows.append((_text(material.title, language), state))
        for index, (title, value) in enumerate(rows):
            key, shown = label("muted", title), label("title", value)
            self.review_grid.addWidget(key, index, 0, Qt.AlignmentFlag.AlignTop)
            self.review_grid.addWidget(shown, index, 1)
        self.review_grid.setColumnStretch(1, 1)

    def _show_message(self, view: ApplyingView, language: str) -> None:
        show_only(self.pages, self.message_page)
        number, detail = "", ""
        if view.step is Step.SUBMITTING:
            title = self.tr("正在提交申请，请稍候…")
        elif view.step is Step.FAILED:
            title = self.tr("申请没有提交成功")
            detail = resident_text(view.resident_message)
        else:
            done = view.submitted
            title = self.tr("申请已提交")
            if done is not None:
                number = self.tr("受理号：%1").replace("%1", done.application_no)
                lines = []
                if done.promised_date:
                    promised = format_cell(done.promised_date.isoformat(), "date", language)
                    lines.append(self.tr("承诺 %1 前办结").replace("%1", promised))
                lines.append(self.tr("每一步办理进度都会短信通知您，也可在“办件查询”中查看"))
                if self.receipt_message:
                    lines.append(resident_text(self.receipt_message))
                detail = "\n".join(lines)
        self.message_title.setText(title)
        self.message_number.setText(number)
        self.message_number.setVisible(bool(number))
        self.message_detail.setText(detail)
