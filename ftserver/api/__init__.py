"""The HTTP and WebSocket front end. Reaches the bot only through ``ftserver.rpc``."""
