"""The application, the start-up launcher and the main window that holds the rooms."""
