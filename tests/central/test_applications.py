"""一窗受理 and 一件事一次办 on the real centre: a draft from the form, materials read from their
bytes, submission routed and dated in working days, the life cycle of 行政许可法 第32条 with its
timeline, a bundle whose second step waits for the first, and what another resident, a bad
form, a wrong file or an oversized one get."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator

import pytest

from central import applications as life
from central.clock import local_today
from central.db import Database
from central.models import Application
from central.routes.applications import MATERIAL_MAX_BYTES
from tests.rigs.central import CentralServer, start_central
from tests.rigs.residents import (
    JPEG,
    OTHER_CARD,
    PDF,
    SENIOR_FORM,
    Resident,
    clerk,
    statuses,
)


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central-applications"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def db(centre: CentralServer) -> Database:
    return Database(f"sqlite:///{centre.log_path.parent / 'central.sqlite3'}")


def test_an_application_from_draft_to_collected(centre: CentralServer, db: Database) -> None:
    resident = Resident(centre)
    created = resident.apply("senior-allowance", SENIOR_FORM)
    assert created["status"] == "draft" and created["application_no"].startswith("SQ")
    needed = {m["key"]: (m["source"], m["received"]) for m in created["materials_needed"]}
    assert needed == {
        "id_card": ("shared", True),
        "household_book": ("scan", False),
        "bank_card": ("scan", False),
    }
    application_id = created["application_id"]
    refused = resident.submit(application_id)
    assert refused.status_code == 409 and refused.json()["code"] == "materials_missing"
    assert "户口簿" in refused.json()["message"]  # the material's name, not its key

    assert resident.upload(application_id, "household_book", PDF).json()["content_type"] == (
        "application/pdf"
    )
    assert resident.upload(application_id, "bank_card", JPEG).status_code == 200
    submitted = resident.submit(application_id).json()
    today = local_today()
    assert submitted["status"] == "submitted" and submitted["overdue"] is False
    assert submitted["promised_date"] == life.add_working_days(today, 10).isoformat()
    assert submitted["department"]["zh_CN"] == "县民政局"
    assert submitted["pickup_place"]["zh_CN"].startswith("大桥镇便民服务中心")

    for action in ("accept", "review", "approve", "ready", "collect"):
        clerk(db, application_id, action)
    view = resident.view(application_id)
    assert statuses(view) == [
        "draft", "submitted", "accepted", "reviewing", "approved", "ready", "collected",
    ]  # fmt: skip
    assert [entry["text"]["zh_CN"] for entry in view["timeline"]][-2:] == ["待领取", "已领取"]
    listed = resident.call("GET", "/v1/applications").json()["applications"]
    assert listed[0]["application_id"] == application_id  # newest first


def test_correction_asks_once_and_the_same_application_is_submitted_again(
    centre: CentralServer, db: Database
) -> None:
    resident = Resident(centre)
    application_id = resident.apply("senior-allowance", SENIOR_FORM)["application_id"]
    resident.upload(application_id, "household_book", PDF)
    resident.upload(application_id, "bank_card", JPEG)
    resident.submit(application_id)
    with pytest.raises(life.TransitionRefusedError, match="Tick every material"):
        clerk(db, application_id, "correction")
    clerk(db, application_id, "correction", missing=("bank_card",), comment="银行卡照片不清楚")
    view = resident.view(application_id)
    assert view["status"] == "correction" and view["missing"] == ["bank_card"]
    assert view["timeline"][-1]["comment"] == "银行卡照片不清楚"
    refused = resident.submit(application_id)
    assert refused.status_code == 409 and "本人银行卡或社保卡" in refused.json()["message"]
    again = resident.upload(application_id, "bank_card", JPEG)  # the very photo sent before
    assert again.status_code == 409 and again.json()["code"] == "material_unchanged"
    assert resident.upload(application_id, "bank_card", JPEG + b"sharper").status_code == 200
    again = resident.submit(application_id).json()
    assert again["status"] == "submitted" and again["application_no"] == view["application_no"]
    assert statuses(again)[-2:] == ["correction", "submitted"]


def test_correction_is_refused_after_five_working_days(centre: CentralServer, db: Database) -> None:
    resident = Resident(centre)
    application_id = resident.apply("senior-allowance", SENIOR_FORM)["application_id"]
    resident.upload(application_id, "household_book", PDF)
    resident.upload(application_id, "bank_card", JPEG)
    resident.submit(application_id)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    with pytest.raises(life.TransitionRefusedError) as refused:
        clerk(db, application_id, "correction", missing=("bank_card",), now=later)
    assert refused.value.code == "correction_too_late"
    with pytest.raises(life.TransitionRefusedError, match="needs a reason"):
        clerk(db, application_id, "not_accept", comment=" ")


def test_a_bundle_makes_one_case_whose_second_step_waits_for_the_first(
    centre: CentralServer, db: Database
) -> None:
    resident = Resident(centre)
    form = {"household_size": "3", "monthly_income": "800", "reason": "illness",
            "phone": "13800000002"}  # fmt: skip
    created = resident.apply("hardship-bundle", form)
    keys = [m["key"] for m in created["materials_needed"]]
    assert keys == ["id_card", "household_book", "income_proof", "medical_bills", "diagnosis"]
    case_id = created["application_id"]
    for key in keys[1:]:
        resident.upload(case_id, key, JPEG)
    case = resident.submit(case_id).json()
    assert [(s["service_id"], s["status"]) for s in case["steps"]] == [
        ("dibao", "submitted"),
        ("medical-aid", "waiting"),
    ]
    first, second = (step["application_id"] for step in case["steps"])
    for action in ("accept", "review", "approve"):
        clerk(db, first, action)
    case = resident.view(case_id)
    assert [s["status"] for s in case["steps"]] == ["approved", "submitted"]
    assert case["status"] == "reviewing"
    with db.session() as session:
        departments = [session.get(Application, i).department_id for i in (first, second)]
    assert departments == ["minzheng", "yibao"]
    for action in ("accept", "review", "approve"):
        clerk(db, second, action)
    assert resident.view(case_id)["status"] == "approved"


def test_a_bundle_step_asking_for_correction_is_answered_through_the_case(
    centre: CentralServer, db: Database
) -> None:
    """The kiosk knows the case, not its steps: 补正 of a step shows on the case (what is
    missing, in one notice), and the case resubmitted resubmits that step alone."""
    resident = Resident(centre)
    form = {"household_size": "3", "monthly_income": "800", "reason": "illness",
            "phone": "13800000004"}  # fmt: skip
    created = resident.apply("hardship-bundle", form)
    case_id = created["application_id"]
    for material in created["materials_needed"][1:]:
        resident.upload(case_id, material["key"], JPEG)
    first = resident.submit(case_id).json()["steps"][0]["application_id"]
    clerk(db, first, "correction", missing=("income_proof", "household_book"))
    case = resident.view(case_id)
    assert case["status"] == "correction"
    assert sorted(case["missing"]) == ["household_book", "income_proof"]
    refused = resident.submit(case_id)
    assert refused.status_code == 409 and "收入证明" in refused.json()["message"]
    for key in ("income_proof", "household_book"):
        assert resident.upload(case_id, key, JPEG + key.encode()).status_code == 200
    again = resident.submit(case_id).json()
    assert again["status"] == "submitted" and again["missing"] == []
    assert [s["status"] for s in again["steps"]] == ["submitted", "waiting"]


def test_a_refused_first_step_ends_the_steps_waiting_for_it(
    centre: CentralServer, db: Database
) -> None:
    resident = Resident(centre)
    form = {"household_size": "2", "monthly_income": "5000", "reason": "other",
            "phone": "13800000003"}  # fmt: skip
    created = resident.apply("hardship-bundle", form)
    for material in created["materials_needed"][1:]:
        resident.upload(created["application_id"], material["key"], PDF)
    case = resident.submit(created["application_id"]).json()
    first = case["steps"][0]["application_id"]
    clerk(db, first, "accept")
    clerk(db, first, "review")
    clerk(db, first, "deny", comment="家庭收入高于当地低保标准")
    case = resident.view(created["application_id"])
    assert [s["status"] for s in case["steps"]] == ["denied", "not_accepted"]
    assert case["status"] == "denied"


def test_another_resident_sees_nothing_of_it(centre: CentralServer) -> None:
    owner, other = Resident(centre), Resident(centre, OTHER_CARD)
    application_id = owner.apply("senior-allowance", SENIOR_FORM)["application_id"]
    for answer in (
        other.call("GET", f"/v1/applications/{application_id}"),
        other.upload(application_id, "bank_card", JPEG),
        other.submit(application_id),
        other.call("GET", f"/v1/applications/{'0' * 32}"),
    ):
        assert answer.status_code == 404 and answer.json()["code"] == "application_not_found"
    mine = [
        a["application_id"] for a in other.call("GET", "/v1/applications").json()["applications"]
    ]
    assert application_id not in mine


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "13800000001", "salary": "1"}, "salary"),
        ({"phone": "13800000001", "monthly_income": "800", "reason": "illness"},
         "household_size"),  # required, and no record to fill it from
        ({"household_size": "3", "monthly_income": "八百", "reason": "illness"},
         "monthly_income"),
        ({"household_size": "3", "monthly_income": "800", "reason": "luck"}, "reason"),
    ],
)  # fmt: skip
def test_a_bad_form_is_refused_naming_the_field(
    centre: CentralServer, form: dict[str, str], field: str
) -> None:
    resident = Resident(centre)
    service = "senior-allowance" if set(form) <= {"phone", "salary"} else "dibao"
    body = {"service_id": service, "idempotency_key": secrets.token_hex(16),
            "form": form, "delivery": {"method": "pickup"}}  # fmt: skip
    answer = resident.call("POST", "/v1/applications", body)
    assert answer.status_code == 422 and answer.json()["code"] == "application_form_invalid"
    assert field in answer.json()["message"]


def test_a_field_left_empty_is_filled_from_the_centres_record(centre: CentralServer) -> None:
    """数据共享: the phone the centre holds, when the resident typed none at the kiosk."""
    resident = Resident(centre)
    created = resident.apply("senior-allowance", {})
    phone = resident.view(created["application_id"])["form"]["phone"]
    assert re.fullmatch(r"1[3-9][0-9]{9}", phone)
    typed = resident.apply("senior-allowance", {"phone": "13900000009"})
    assert resident.view(typed["application_id"])["form"]["phone"] == "13900000009"


def test_markup_in_a_text_field_is_kept_as_typed(centre: CentralServer) -> None:
    resident = Resident(centre)
    typed = "<b>证</b>&amp;<i>1</i>"
    created = resident.apply("disability-subsidy", {"card_no": typed, "phone": "13800000004"})
    assert resident.view(created["application_id"])["form"]["card_no"] == typed


def test_post_needs_an_address_and_the_same_key_is_the_same_draft(centre: CentralServer) -> None:
    resident = Resident(centre)
    body = {"service_id": "senior-allowance", "idempotency_key": secrets.token_hex(16),
            "form": SENIOR_FORM, "delivery": {"method": "post"}}  # fmt: skip
    assert resident.call("POST", "/v1/applications", body).status_code == 422
    body["delivery"] = {"method": "post", "address": "石桥村3组12号"}
    first = resident.call("POST", "/v1/applications", body).json()
    again = resident.call("POST", "/v1/applications", body).json()
    assert again["application_id"] == first["application_id"]
    body["service_id"] = "dibao"
    assert resident.call("POST", "/v1/applications", body).json()["code"] == (
        "idempotency_conflict"
    )


def test_a_file_that_is_no_image_or_pdf_or_too_large_is_refused(centre: CentralServer) -> None:
    resident = Resident(centre)
    application_id = resident.apply("senior-allowance", SENIOR_FORM)["application_id"]
    for data, status, code in (
        (b"MZ\x90\x00 not a picture", 415, "material_wrong_type"),
        (b"<svg onload=alert(1)>", 415, "material_wrong_type"),
        (JPEG + bytes(MATERIAL_MAX_BYTES), 413, "request_too_large"),
    ):
        answer = resident.upload(application_id, "bank_card", data)
        assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert resident.upload(application_id, "id_card", JPEG).json()["code"] == "material_not_found"
    view = resident.view(application_id)
    assert not next(m for m in view["materials"] if m["key"] == "bank_card")["received"]
