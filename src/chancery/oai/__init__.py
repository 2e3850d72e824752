"""OAI-PMH 2.0 at /oai: the archive's records for harvesters (libraries, aggregators)."""
