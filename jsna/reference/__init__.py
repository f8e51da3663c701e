"""Facts with their sources: QOF registers, IoD editions, ambitions, Core20PLUS5, DfE LA codes."""
