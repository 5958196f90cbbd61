"""Normalized values of quantities and dates, on tables of cases."""

import pytest

from borderie.values import date_value, quantity_value


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("131.000 lượt phương tiện", 131000, "lượt phương tiện"),
        ("Năm đồn", 5, "đồn"),
        ("0,5 gram", 0.5, "gram"),
        ("124 công dân", 124, "công dân"),
        ("2,3 tỷ USD", 2_300_000_000, "USD"),
        ("200 triệu đồng", 200_000_000, "đồng"),
        ("hai đối tượng", 2, "đối tượng"),
        ("hai mươi lăm người", 25, "người"),
        ("100m", 100, "m"),
        ("18.000 viên", 18000, "viên"),
        ("1.234,5 kg", 1234.5, "kg"),
        ("một trăm linh năm bánh", 105, "bánh"),
        ("ba nghìn lượt", 3000, "lượt"),
    ],
)
def test_quantity_values(text, value, unit):
    assert quantity_value(text) == (value, unit)


def test_quantity_without_number():
    assert quantity_value("nhiều công dân") == (None, None)


@pytest.mark.parametrize(
    "text, year, iso",
    [
        ("ngày 16/3/2016", None, "2016-03-16"),
        ("ngày 16/3/2016", 2020, "2016-03-16"),
        ("16/3", 2025, "2025-03-16"),
        ("16/3", None, None),
        ("ngày 25-27/12", 2025, "2025-12-25/2025-12-27"),
        ("9.12", 2024, "2024-12-09"),
        ("quý IV", 2025, "2025-Q4"),
        ("quý 4 năm 2026", None, "2026-Q4"),
        ("năm 2025", None, "2025"),
        ("tháng 3/2024", None, "2024-03"),
        ("tháng 3", 2024, "2024-03"),
        ("ngày 2 đến 3-11", 2023, "2023-11-02/2023-11-03"),
        ("hai năm 2024-2025", None, "2024/2025"),
        ("31/2", 2024, None),
        ("6 tháng đầu năm 2025", None, None),
    ],
)
def test_date_values(text, year, iso):
    assert date_value(text, year) == iso
