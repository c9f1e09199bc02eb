"""Consumer mode: follow other bots' whitelists and analyzed candles over their message WebSocket."""
