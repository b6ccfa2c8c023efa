Bvisit.planned"
2024-12-31*FRAÂ
FRA-2025regular
2025-03-10