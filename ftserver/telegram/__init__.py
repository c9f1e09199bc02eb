"""Telegram: notifications to one chat, and freqtrade's commands from that chat, through the RPC facade."""
