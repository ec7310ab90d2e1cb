"""Resident messages that come from Qt-free layers (drivers, kiosk core), marked for lupdate.

`ui.i18n.resident_text()` translates them at display time; a test checks that every
`resident_message` defined in drivers/ and kiosk/ is listed here.
"""

from PySide6.QtCore import QT_TRANSLATE_NOOP

RESIDENT_MESSAGES = (
    QT_TRANSLATE_NOOP("ResidentMessages", "读取身份证失败，请重新放置身份证"),
    QT_TRANSLATE_NOOP("ResidentMessages", "未能读取身份证，请将身份证平放在感应区，不要移动"),
    QT_TRANSLATE_NOOP("ResidentMessages", "身份证读卡器暂时无法使用，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "服务中心暂时无法访问，请稍后再试"),
    QT_TRANSLATE_NOOP("ResidentMessages", "暂时无法连接服务中心，请稍后再试"),
    QT_TRANSLATE_NOOP("ResidentMessages", "服务中心响应超时，请稍后再试"),
    QT_TRANSLATE_NOOP("ResidentMessages", "无法安全连接服务中心，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "服务中心返回的数据有误，请稍后再试或联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "终端认证失败，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "操作超时，请重新放置身份证"),
    QT_TRANSLATE_NOOP("ResidentMessages", "此证件暂时无法在本机办理，请到村便民服务站窗口办理"),
    QT_TRANSLATE_NOOP("ResidentMessages", "此项业务需刷身份证办理"),
    QT_TRANSLATE_NOOP("ResidentMessages", "无法识别该证件，请放置居民身份证"),
    QT_TRANSLATE_NOOP("ResidentMessages", "证件信息校验失败，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "证件校验失败，请重新放置证件"),
    QT_TRANSLATE_NOOP("ResidentMessages", "证件校验失败，请重新放置证件；仍失败请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "请将证件放稳，不要移动"),
    QT_TRANSLATE_NOOP("ResidentMessages", "请将身份证放在感应区"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读卡器故障，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读卡器通信异常，请稍后重试"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读卡失败，请将证件平放不要移动"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读卡失败，请重新放置证件"),
    QT_TRANSLATE_NOOP("ResidentMessages", "证件信息校验失败，请到村便民服务站窗口办理"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读取社会保障卡失败，请重新插卡"),
    QT_TRANSLATE_NOOP("ResidentMessages", "请将社会保障卡插入读卡器"),
    QT_TRANSLATE_NOOP("ResidentMessages", "读卡时卡片被取出，请重新插入社会保障卡"),
    QT_TRANSLATE_NOOP("ResidentMessages", "这不是社会保障卡，请插入社会保障卡"),
    QT_TRANSLATE_NOOP("ResidentMessages", "回执打印机暂时无法使用，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "回执打印机缺纸，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "回执打印机盖未关好，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "回执打印机故障，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机暂时无法使用，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机缺纸，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机舱门未关好，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机卡纸，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机墨粉用尽，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印机暂停服务，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印没有完成，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "打印超时，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "本机暂时不能打印证明，请联系工作人员"),
    QT_TRANSLATE_NOOP("ResidentMessages", "证明暂时无法打印，请联系工作人员"),
)
