Avisit.postponed"
2025-03-31*FRAÊ
FRA-2025liquidity crisis