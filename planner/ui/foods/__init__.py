"""Finding foods: the local search and the online lookup."""
