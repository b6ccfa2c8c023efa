7fund.contribution"
2025-12-31*DEU¢
	200000.00EUR