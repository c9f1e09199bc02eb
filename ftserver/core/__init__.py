"""The core: message bus, message types, clocks. Standard library only."""
