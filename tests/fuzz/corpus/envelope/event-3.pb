0state.declared_art24"
2017-12-21*AUS²
IV