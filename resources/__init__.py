"""Icons, desktop file and stylesheet (installed as the package ``planner.resources``)."""
