[dataset.coverage"
2025-12-31:data/README.mdHÊ(
visit.
report.transmitted
2020-01-01