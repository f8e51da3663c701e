"""Publishing: the chapter runtime, chapter sections, prose, Word, Excel, the build and the CLI."""
