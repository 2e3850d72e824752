"""The archive's record model: pure Python, standard library only."""
