Ereport.published"
2025-10-21*PERâ

PER-2025-RCAT/OP/PER/ROSP/2