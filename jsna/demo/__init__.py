"""The synthetic demo data pack (Demoshire), written in the publishers' real formats."""
