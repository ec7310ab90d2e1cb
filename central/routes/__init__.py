"""The API's routes, one module per resource; each route's guard is in its signature."""
