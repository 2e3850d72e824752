"""Use cases, one module per noun; they depend on interfaces, never on adapters."""
