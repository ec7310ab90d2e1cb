"""SMS at every step of an application, through the real centre and the gateway simulator on
loopback: what the resident's phone shows (with the gateway's 【signature】), the templates
fitting one SMS, no full ID number ever, and a gateway down for a while losing nothing."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from central.db import Database, migrate
from central.models import SmsMessage
from central.notify import DEFAULT_TEMPLATES, SIGNATURE, SMS_CHARS, SmsTemplate, queue
from central.sms_gateway_sim import SmsGatewaySimulator
from tests.rigs.central import CentralServer
from tests.rigs.residents import JPEG, PDF, SENIOR_FORM, Resident, clerk
from tests.rigs.sms import texts_to, wait_for

TYPICAL = {
    "事项": "残疾人两项补贴",
    "受理号": "SQ20261203000011",
    "日期": "2026年12月17日",
    "理由": "家庭收入高于当地低保标准",
    "材料": "本人银行卡或社保卡",
    "地点": "大桥镇便民服务中心 民政窗口",
}


@pytest.fixture(scope="module")
def db(sms_centre: CentralServer) -> Database:
    return Database(f"sqlite:///{sms_centre.log_path.parent / 'central.sqlite3'}")


def submitted(sms_centre: CentralServer, phone: str) -> str:
    resident = Resident(sms_centre)
    application_id = resident.apply("senior-allowance", SENIOR_FORM | {"phone": phone})[
        "application_id"
    ]
    resident.upload(application_id, "household_book", PDF)
    resident.upload(application_id, "bank_card", JPEG)
    assert resident.submit(application_id).status_code == 200
    return application_id


def test_every_default_template_fits_one_sms_with_the_signature() -> None:
    for key, template in DEFAULT_TEMPLATES.items():
        message = SmsTemplate(template).safe_substitute(TYPICAL)
        assert "$" not in message, key
        assert len(f"【{SIGNATURE}】{message}") <= SMS_CHARS, (key, message)


def test_each_step_reaches_the_residents_phone(
    sms_centre: CentralServer, db: Database, sms_gateway: SmsGatewaySimulator
) -> None:
    phone = "13800000011"
    application_id = submitted(sms_centre, phone)
    clerk(db, application_id, "correction", missing=("bank_card",), comment="照片模糊")
    wait_for(lambda: len(texts_to(sms_gateway, phone)) == 1)
    resident = Resident(sms_centre)
    resident.upload(application_id, "bank_card", JPEG + b"again")
    resident.submit(application_id)
    for action in ("accept", "review", "approve", "ready"):
        clerk(db, application_id, action)
    wait_for(lambda: len(texts_to(sms_gateway, phone)) == 4)
    correction, accepted, approved, ready = texts_to(sms_gateway, phone)
    assert correction.startswith(f"【{SIGNATURE}】您申请的高龄津贴申领(受理号SQ")
    assert "需补正：本人银行卡或社保卡" in correction
    assert "已受理" in accepted and "前办结" in accepted
    assert "已办结，审核通过" in approved
    assert "请带身份证到大桥镇便民服务中心 民政窗口领取" in ready


def test_a_gateway_down_for_a_while_loses_no_message(
    sms_centre: CentralServer, db: Database, sms_gateway: SmsGatewaySimulator
) -> None:
    phone = "13800000012"
    application_id = submitted(sms_centre, phone)
    sms_gateway.down = True
    try:
        clerk(db, application_id, "accept")
        clerk(db, application_id, "review")
        clerk(db, application_id, "deny", comment="不符合条件")
        time.sleep(3)
        assert texts_to(sms_gateway, phone) == []
        with db.session() as session:
            waiting = session.scalars(
                select(SmsMessage)
                .where(SmsMessage.phone == phone, SmsMessage.sent_at.is_(None))
                .order_by(SmsMessage.id)
            ).all()
            # 已受理 is tried again and again; 不予许可 waits behind it, untried.
            assert [row.attempts >= 1 for row in waiting] == [True, False]
            assert "HTTP 503" in (waiting[0].last_error or "")
    finally:
        sms_gateway.down = False
    wait_for(lambda: len(texts_to(sms_gateway, phone)) == 2, timeout_s=30)
    assert "不予许可：不符合条件" in texts_to(sms_gateway, phone)[1]


def test_no_message_carries_a_full_id_number(db: Database) -> None:
    with db.session() as session:
        queue(session, "13800000013", "身份证511321198506120030已核验", "application")
    with db.session() as session:
        row = session.scalars(select(SmsMessage).where(SmsMessage.phone == "13800000013")).one()
        assert row.text == "身份证511321********0030已核验"


def test_a_login_code_goes_out_through_the_gateway_too(
    sms_centre: CentralServer, sms_gateway: SmsGatewaySimulator
) -> None:
    from central.demo_data import SMS_RESIDENT, SMS_RESIDENT_PHONE

    sms_centre.client().request_sms_code(SMS_RESIDENT[3])
    wait_for(lambda: any("验证码" in t for t in texts_to(sms_gateway, SMS_RESIDENT_PHONE)))
    assert texts_to(sms_gateway, SMS_RESIDENT_PHONE)[-1].startswith(f"【{SIGNATURE}】您的验证码为")


def test_sent_is_kept_a_week_then_deleted(db: Database) -> None:
    from central.notify import SmsDispatcher

    class Taking:
        def deliver(self, phone: str, text: str) -> None:
            pass

    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    dispatcher = SmsDispatcher(db.session, Taking(), clock=lambda: later)
    dispatcher.deliver_due()
    dispatcher.deliver_due()  # the second pass deletes what the first marked sent
    with db.session() as session:
        assert (
            session.scalars(select(SmsMessage).where(SmsMessage.sent_at.is_not(None))).all() == []
        )


def test_a_phone_gets_its_messages_in_the_order_they_were_queued(tmp_path: Path) -> None:
    """Each message has its own back-off: 已受理 failed twice and waits 8 s, 不予许可 failed
    once and is due again first; it still goes out after 已受理."""
    from central.notify import SmsDispatcher

    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    migrate(url)
    db = Database(url)
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    with db.session() as session:
        queue(session, "13800000021", "已受理", "application")
        queue(session, "13800000021", "不予许可", "application")
        queue(session, "13800000021", "您的验证码为 123456", "code")  # another purpose
        queue(session, "13800000022", "已受理", "application")  # another phone
        first, second = session.scalars(
            select(SmsMessage).where(SmsMessage.phone == "13800000021").order_by(SmsMessage.id)
        ).all()[:2]
        first.attempts, first.next_try_at = 2, now + dt.timedelta(seconds=8)
        second.attempts, second.next_try_at = 1, now

    class Recording:
        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []

        def deliver(self, phone: str, text: str) -> None:
            self.sent.append((phone, text))

    gateway = Recording()
    clock = [now]
    dispatcher = SmsDispatcher(db.session, gateway, clock=lambda: clock[0])
    assert dispatcher.deliver_due() == 2
    assert gateway.sent == [("13800000021", "您的验证码为 123456"), ("13800000022", "已受理")]
    clock[0] = now + dt.timedelta(seconds=8)
    assert dispatcher.deliver_due() == 1  # 已受理; 不予许可 was not due when the pass began
    assert dispatcher.deliver_due() == 1
    assert [text for phone, text in gateway.sent if phone == "13800000021"][1:] == [
        "已受理",
        "不予许可",
    ]
