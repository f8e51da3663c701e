"""Analysis: domain functions composing the statistics over data pack frames."""
