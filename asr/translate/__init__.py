"""Translation of final captions: engines behind one interface, composed by a router."""
