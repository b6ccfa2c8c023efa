0reply.received"
2026-02-28*PERê

PER-2025-R