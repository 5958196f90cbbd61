"""A few short border-news articles written for these tests (handovers, a seizure), with dates."""

ARTICLES = [
    {"id": "d1", "meta": {"date": "2025-03-10"},
     "text": "Ngày 8/3/2025, Bộ đội Biên phòng tỉnh Lạng Sơn trao trả cho phía Trung Quốc 12 công dân tại cửa khẩu quốc tế Hữu Nghị."},
    {"id": "d2", "meta": {"date": "2025-04-02"},
     "text": "Ngày 2/4, BĐBP Lạng Sơn tiếp nhận 20 công dân do Công an Trung Quốc trao trả qua CKQT Hữu Nghị."},
    {"id": "d3", "meta": {"date": "2025-04-20"},
     "text": "Đồn Biên phòng Nậm Cắn thuộc Bộ đội Biên phòng tỉnh Nghệ An bắt giữ 2 đối tượng, thu giữ 1.200 viên ma túy tổng hợp."},
    {"id": "d4", "meta": {"date": "2025-05-06"},
     "text": "Năm đồn Biên phòng thuộc BĐBP tỉnh Cao Bằng trao trả cho phía Trung Quốc 8 công dân tại cửa khẩu Trà Lĩnh."},
    {"id": "d5", "meta": {"date": "2025-05-16"},
     "text": "Ngày 15/5/2025, Bộ đội Biên phòng tỉnh An Giang bàn giao cho phía Campuchia 5 công dân tại cửa khẩu quốc tế Tịnh Biên."},
]
