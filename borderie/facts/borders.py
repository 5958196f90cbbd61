"""Which land border a fact is about: the neighbouring country, from countries and provinces named.

Provinces are those of 2017 (the press this library reads); a province on two
borders (Điện Biên: China and Laos; Kon Tum: Laos and Cambodia) decides nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .canonical import canonical_key

BORDERS = ("Trung Quốc", "Lào", "Campuchia")

_PLACES = {
    "Trung Quốc": "Trung Quốc, Quảng Ninh, Lạng Sơn, Cao Bằng, Hà Giang, Lào Cai, Lai Châu, Quảng Tây, Vân Nam, Đông Hưng, Bằng Tường, Hà Khẩu",
    "Lào": "Lào, Sơn La, Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, Thừa Thiên Huế, Quảng Nam, Hủa Phăn, Xiêng Khoảng, "
    "Bolikhamxay, Bô Ly Khăm Xay, Khăm Muộn, Savannakhet, Sạ Vắn Nạ Khệt, Salavan, Sê Kông, Attapeu, Luông Pha Bang, Phông Sa Lỳ, "
    "U Đôm Xay, Viêng Chăn, Vientiane",
    "Campuchia": "Campuchia, Gia Lai, Đắk Lắk, Đắk Nông, Bình Phước, Tây Ninh, Long An, Đồng Tháp, An Giang, Kiên Giang, Kampot, Takeo, "
    "Svay Rieng, Prey Veng, Kandal, Tbong Khmum, Kratie, Mondulkiri, Ratanakiri, Phnom Penh",
}
# place key -> border, longest first so "quảng nam" is not read inside a longer name first
_TABLE = sorted(((canonical_key(p.strip(), "LOC"), border) for border, names in _PLACES.items() for p in names.split(",")), key=lambda x: -len(x[0]))
_PATTERN = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k, _ in _TABLE) + r")(?!\w)")
_BY_KEY = dict(_TABLE)


@lru_cache(maxsize=100_000)
def border_of(key: str) -> str | None:
    """The border a canonical key names ("bộ đội biên phòng lạng sơn" -> "Trung Quốc"), or None."""
    found = {_BY_KEY[m.group(1)] for m in _PATTERN.finditer(key)}
    return found.pop() if len(found) == 1 else None
