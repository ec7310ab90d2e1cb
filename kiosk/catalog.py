"""The services this kiosk offers and the announcements it shows (DESIGN.md, "data-driven").

The central service's `GET /v1/catalog` is the source in production (central-service issue);
until it is, demo mode shows `DEMO_CATALOG` and a kiosk without a centre shows an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    kind: str  # certificate | records (later: application, bundle)
    title: dict[str, str]  # language -> title
    description: dict[str, str]
    icon: str
    enabled: bool = True
    disabled_reason: dict[str, str] | None = None

    def text(self, field: dict[str, str], language: str) -> str:
        """The text in `language`, falling back to Chinese, the product language."""
        return field.get(language) or field.get("zh_CN", "")


@dataclass(frozen=True, slots=True)
class Announcement:
    text: dict[str, str]


@dataclass(frozen=True, slots=True)
class Catalog:
    services: tuple[Service, ...] = ()
    announcements: tuple[Announcement, ...] = ()


def _service(
    sid: str, kind: str, zh: str, en: str, zh_desc: str, en_desc: str, icon: str
) -> Service:
    return Service(sid, kind, {"zh_CN": zh, "en": en}, {"zh_CN": zh_desc, "en": en_desc}, icon)


DEMO_CATALOG = Catalog(
    services=(
        _service(
            "si-contrib",
            "records",
            "社保缴费查询",
            "Social insurance contributions",
            "查询养老保险历年缴费记录",
            "Your pension contribution history",
            "records",
        ),
        _service(
            "mi-balance",
            "records",
            "医保账户查询",
            "Medical insurance account",
            "查询医保个人账户余额与消费",
            "Balance and spending of your account",
            "health",
        ),
        _service(
            "subsidy",
            "records",
            "补贴发放查询",
            "Subsidy payments",
            "查询惠农补贴、低保等发放记录",
            "Farm subsidies, minimum living allowance",
            "money",
        ),
        _service(
            "pension",
            "records",
            "养老金领取查询",
            "Pension payments",
            "查询每月养老金到账情况",
            "Monthly pension payments received",
            "pension",
        ),
        _service(
            "residence-cert",
            "certificate",
            "户籍证明打印",
            "Residence certificate",
            "打印本人户籍信息证明",
            "Print a certificate of household registration",
            "certificate",
        ),
        _service(
            "si-cert",
            "certificate",
            "参保证明打印",
            "Insurance certificate",
            "打印社会保险参保缴费证明",
            "Print a social insurance certificate",
            "certificate",
        ),
    ),
    announcements=(
        Announcement(
            {
                "zh_CN": "城乡居民医保2027年度缴费已开始，截止日期为12月31日。",
                "en": "Rural and urban medical insurance for 2027: pay by 31 December.",
            }
        ),
        Announcement(
            {
                "zh_CN": "本机24小时开放，如需帮助请拨打村委会电话 0817-5500123。",
                "en": "Open 24 hours. For help call the village committee: 0817-5500123.",
            }
        ),
    ),
)
