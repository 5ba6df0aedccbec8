"""Planning a week: the Day and Week views, totals, warnings, charts, swaps."""
