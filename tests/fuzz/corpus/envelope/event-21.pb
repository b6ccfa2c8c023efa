Yreminder.issued"
2026-03-01*PERº4
art12.state_reply
PER-2025-R
2026-02-28"overdue