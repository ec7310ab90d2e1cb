import datetime as dt

from central.clock import local_time, local_today


def test_a_morning_in_the_county_is_already_the_next_day_in_the_calendar() -> None:
    before_eight_beijing = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)  # 07:30 on the 26th
    assert local_today(before_eight_beijing) == dt.date(2026, 11, 26)
    assert f"{local_time(before_eight_beijing):%Y年%m月%d日 %H:%M}" == "2026年11月26日 07:30"
    assert local_today(dt.datetime(2026, 11, 26, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 26)
    assert local_today(dt.datetime(2026, 11, 26, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 27)
