"""The week's shopping list."""
