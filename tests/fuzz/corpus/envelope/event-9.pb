Xreport.transmitted"
2025-08-31*PERÚ0

PER-2025-RstatePER-2025"confidential text