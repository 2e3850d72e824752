"""Citation styles: CSL style files, the engine that renders them, and a cache of renderings."""
