"""Settings dialogs: the profile (targets) and the supplements."""
