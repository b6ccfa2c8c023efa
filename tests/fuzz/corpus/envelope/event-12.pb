Ereply.published"
2026-03-01*PERò 

PER-2025-RCAT/OP/PER/CSPRO/2