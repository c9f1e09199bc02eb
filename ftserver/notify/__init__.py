"""Notifications off the bus: each channel (log, webhook, Discord) is a bus subscriber of its own."""
