Hvisit.completed"
2025-06-21*PERÒ#
PER-2025
2025-06-15P(x0È