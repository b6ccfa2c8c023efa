2state.declared_art24"
2020-12-21*AUS²
IV