Lnpm.designated"
2025-04-01*NGA‚(
 National Human Rights Commissionnhri