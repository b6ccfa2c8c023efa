9
fund.grant"
2025-12-31*NGAª
SF-NGA26000.5USD ê