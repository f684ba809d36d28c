"""Counting functions, one module per area; each takes (ctx, measure) and returns an Ibis table
with la_code, period, [dimension], numerator and (for ratios) denominator."""
